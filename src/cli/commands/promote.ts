import { parseArgs } from 'node:util';
import { SlipwayError } from '../../core/errors';
import { preparePromote, startDeploy } from '../../app/swarmOperations';
import type { CliContext } from '../context';
import { usageError } from '../parse';
import { finishRollout } from '../swarm/rolloutCommand';
import { connectNamed, releaseNumber, requireValue, ROLLOUT_OPTIONS, stackContext, timeoutOf } from '../swarm/shared';
import { runStackPlan } from '../swarm/stackCommand';
import { prepareStackPromote } from '../../app/stack/releases';

const USAGE = `Usage: slipway promote --from NAME --to NAME [--release N] [--plan] [--yes] [--timeout SECONDS] [--json]
       slipway promote SERVICE --from NAME --to NAME [--yes] [--detach] [--timeout SECONDS]

The first form deploys a release of the stack on --from (the newest converged one, or --release N) to --to: the
same image digests, with --to's own stack files (its replicas, constraints, …). A production --to needs --yes.

The second form:

Deploys to the --to cluster exactly the image digest SERVICE runs on the --from cluster (same repository and tag,
pinned by digest), then follows the rollout. A --to cluster with role "production" needs --yes.
`;

export async function run(args: string[], ctx: CliContext): Promise<number> {
  const { cluster: _unused, ...options } = ROLLOUT_OPTIONS;
  void _unused;
  const { values, positionals } = usageError(() =>
    parseArgs({ args, options: { ...options, from: { type: 'string' }, to: { type: 'string' }, release: { type: 'string' }, plan: { type: 'boolean' } }, allowPositionals: true, strict: true }),
  );
  if (values.help) {
    ctx.out(USAGE);
    return 0;
  }
  if (positionals.length === 0) {
    const fromName = requireValue(values.from, '--from NAME');
    const toName = requireValue(values.to, '--to NAME');
    if (fromName === toName) throw new SlipwayError('usage', '--from and --to name the same cluster');
    const [source, target] = await Promise.all([stackContext(ctx, fromName), stackContext(ctx, toName)]);
    const release = values.release === undefined ? undefined : releaseNumber(values.release);
    const prepared = await prepareStackPromote(source.deps.cluster, target.deps, target.source, release);
    return runStackPlan(ctx, target.deps, prepared, { planOnly: values.plan === true, yes: values.yes === true, force: false, timeoutSeconds: timeoutOf(values.timeout), what: 'promote' });
  }
  if (values.release !== undefined || values.plan) throw new SlipwayError('usage', '--release and --plan are for stack promotions (slipway promote --from A --to B)');
  if (positionals.length !== 1) throw new SlipwayError('usage', 'Usage: slipway promote SERVICE --from NAME --to NAME [--yes]');
  const service = positionals[0]!;
  const from = requireValue(values.from, '--from NAME');
  const to = requireValue(values.to, '--to NAME');
  if (from === to) throw new SlipwayError('usage', '--from and --to name the same cluster');
  const [source, target] = await Promise.all([connectNamed(ctx, from), connectNamed(ctx, to)]);
  return finishRollout(
    ctx,
    target,
    'promote',
    async () => {
      const plan = await preparePromote(source, target, service);
      return startDeploy(target, plan, {
        confirmation: values.yes ? { cluster: to } : undefined,
        confirmHint: `Re-run with --yes to promote to ${to}: slipway promote ${service} --from ${from} --to ${to} --yes`,
      });
    },
    { detach: values.detach === true, timeoutSeconds: timeoutOf(values.timeout) },
  );
}
