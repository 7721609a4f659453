/** The end of `deploy`, `promote` and `rollback`: start (after the guard), follow, report, exit code. */
import type { ClusterClient } from '../composition';
import type { DeployPlan } from '../../core/swarm/plans';
import type { StartedRollout } from '../../app/swarmOperations';
import { SlipwayError, isCancellation } from '../../core/errors';
import { emit, type CliContext } from '../context';
import { hintLines } from '../remedies';
import { describeVersion, followRollout } from './shared';

export interface RolloutReport {
  readonly kind: 'deploy' | 'promote' | 'rollback';
  readonly cluster: string;
  readonly service: string;
  readonly from: DeployPlan['from'];
  readonly to: DeployPlan['to'];
  readonly outcome: string;
  readonly message: string;
  readonly warnings: readonly string[];
  readonly tasks?: unknown;
}

export async function finishRollout(ctx: CliContext, client: ClusterClient, kind: RolloutReport['kind'], start: () => Promise<StartedRollout>, options: { detach: boolean; timeoutSeconds: number }): Promise<number> {
  const started = await start();
  const { plan } = started;
  const base = { kind, cluster: plan.cluster.name, service: plan.service, from: plan.from, to: plan.to, warnings: started.warnings };
  for (const w of started.warnings) if (!ctx.json) ctx.err(`warning: ${w}\n`);
  if (started.unchanged) {
    const report: RolloutReport = { ...base, outcome: 'unchanged', message: `${plan.service} on ${plan.cluster.name} already runs ${describeVersion(plan.to)}; nothing to do` };
    emit(ctx, report, () => report.message);
    return 0;
  }
  if (!ctx.json) ctx.out(`${kind === 'rollback' ? 'Rolling back' : kind === 'promote' ? 'Promoting' : 'Deploying'} ${plan.summary}\n`);
  if (options.detach) {
    const report: RolloutReport = { ...base, outcome: 'started', message: `Rollout started; follow it with \`slipway swarm tasks ${plan.service} --cluster ${plan.cluster.name}\`` };
    emit(ctx, report, () => report.message);
    return 0;
  }
  let progress: Awaited<ReturnType<typeof followRollout>>;
  try {
    progress = await followRollout(ctx, client, started, options.timeoutSeconds);
  } catch (e) {
    // Ctrl-C stops the CLI, not Swarm: say so, or "cancelled" reads as if the deploy were undone.
    if (!isCancellation(e)) throw e;
    throw new SlipwayError('cancelled', `Stopped following the ${kind} of ${plan.service} on ${plan.cluster.name}; Swarm carries on with it`, {
      hint: `Follow it with \`slipway swarm tasks ${plan.service} --cluster ${plan.cluster.name}\`${kind === 'rollback' ? '' : `; undo it with \`slipway rollback ${plan.service} --cluster ${plan.cluster.name}\``}`,
      details: { cluster: plan.cluster.name, service: plan.service },
    });
  }
  // For a requested rollback, Swarm's "rollback completed" is the success; for a deploy it means the update failed.
  const ok = kind === 'rollback' ? progress.outcome === 'rolledBack' || progress.outcome === 'completed' : progress.outcome === 'completed';
  const message = kind === 'rollback' && ok ? `rollback completed: ${plan.service} on ${plan.cluster.name} runs ${plan.to.version} again (${progress.updated}/${progress.total} tasks)` : progress.message;
  const report: RolloutReport = { ...base, outcome: progress.outcome, message, tasks: progress.tasks };
  if (ctx.json) emit(ctx, report, () => '');
  else if (ok) ctx.out(`${message}\n`);
  else ctx.err([`slipway: ${message}`, ...hintLines(undefined, progress.remedies)].join('\n') + '\n');
  return ok ? 0 : 1;
}
