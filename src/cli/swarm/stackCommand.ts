/** The CLI face of stack deploys (deploy, rollback, promote): the plan as text or JSON, progress, the verdict. */
import { applyStackDeploy, type PreparedStackDeploy, type StackDeployDeps, type StackDeployResult } from '../../app/stack/deploy';
import { SlipwayError, isCancellation } from '../../core/errors';
import { planLines, type StackPlan } from '../../core/stack/plan';
import { emit, type CliContext } from '../context';
import { hintLines } from '../remedies';
import { releaseAuthor } from './shared';

/** The plan as `--json` prints it: arrays of service names per action, with the details. */
export function planJson(plan: StackPlan): Record<string, unknown> {
  const names = (action: string) => plan.services.filter((s) => s.action === action).map((s) => s.name);
  return {
    stack: plan.stack,
    cluster: plan.cluster.name,
    create: names('create'),
    update: names('update'),
    remove: names('remove'),
    unchanged: names('unchanged'),
    networks: plan.networksToCreate,
    secrets: plan.secretsToCreate,
    configs: plan.configsToCreate,
    rotate: plan.rotations,
    removeObjects: { networks: plan.networksToRemove, secrets: plan.secretsToRemove, configs: plan.configsToRemove },
    keepObjects: plan.kept,
    warnings: plan.warnings,
    services: plan.services,
  };
}

export interface StackRunOptions {
  readonly planOnly: boolean;
  readonly yes: boolean;
  readonly force: boolean;
  readonly timeoutSeconds: number;
  readonly what: 'deploy' | 'rollback' | 'promote';
  readonly reason?: string;
}

/** Prints the plan; unless `--plan`, applies it and follows it. Exit 0 converged/unchanged, 1 failed. */
export async function runStackPlan(ctx: CliContext, deps: StackDeployDeps, prepared: PreparedStackDeploy, options: StackRunOptions): Promise<number> {
  const { plan } = prepared;
  for (const w of prepared.warnings) ctx.err(`warning: ${w}\n`);
  if (!ctx.json) ctx.out(planLines(plan).join('\n') + '\n');
  if (options.planOnly) {
    if (ctx.json) emit(ctx, { plan: planJson(plan), version: prepared.version }, () => '');
    return 0;
  }
  const author = await releaseAuthor(ctx);
  let result: StackDeployResult;
  try {
    result = await applyStackDeploy(deps, prepared, {
      ...(options.yes ? { confirmation: { cluster: plan.cluster.name } } : {}),
      force: options.force,
      trigger: 'cli',
      ...author,
      ...(options.reason ? { reason: options.reason } : {}),
      signal: ctx.signal,
      timeoutMs: options.timeoutSeconds * 1000,
      onEvent: (e) => {
        if (ctx.json) return;
        if (e.kind === 'step') ctx.out(`${e.text}\n`);
        else if (e.kind === 'progress') ctx.out(`  ${e.service}: ${e.message}\n`);
        else if (e.outcome === 'converged') ctx.out(`  ${e.service}: converged (${e.message})\n`);
      },
    });
  } catch (e) {
    if (SlipwayError.is(e, 'confirmationRequired')) {
      throw new SlipwayError('confirmationRequired', e.message, { hint: `Re-run with --yes to ${options.what} on ${plan.cluster.name}`, details: e.details });
    }
    if (!isCancellation(e)) throw e;
    throw new SlipwayError('cancelled', `Stopped following the ${options.what} of ${plan.stack} on ${plan.cluster.name}; Swarm carries on with what was sent`, {
      remedies: [{ action: 'rollback', cluster: plan.cluster.name }],
    });
  }
  if (ctx.json) emit(ctx, { plan: planJson(plan), outcome: result.outcome, version: result.version, release: result.release, services: result.services, message: result.message }, () => '');
  else if (result.outcome === 'failed') ctx.err([`slipway: ${result.message}`, ...hintLines(`Release #${result.release} records the failed ${options.what}`, result.remedies)].join('\n') + '\n');
  else ctx.out(`${result.message}${result.outcome === 'unchanged' ? ' (--force restarts every service)' : ''}\n`);
  return result.outcome === 'failed' ? 1 : 0;
}
