import { parseArgs } from 'node:util';
import { SlipwayError } from '../../core/errors';
import { preparePromote, startDeploy } from '../../core/swarm/operations';
import type { CliContext } from '../context';
import { usageError } from '../parse';
import { finishRollout } from '../swarm/rolloutCommand';
import { connectNamed, requireValue, ROLLOUT_OPTIONS, timeoutOf } from '../swarm/shared';

const USAGE = `Usage: slipway promote SERVICE --from NAME --to NAME [--yes] [--detach] [--timeout SECONDS]

Deploys to the --to cluster exactly the image digest SERVICE runs on the --from cluster (same repository and tag,
pinned by digest), then follows the rollout. A --to cluster with role "production" needs --yes.
`;

export async function run(args: string[], ctx: CliContext): Promise<number> {
  const { cluster: _unused, ...options } = ROLLOUT_OPTIONS;
  void _unused;
  const { values, positionals } = usageError(() =>
    parseArgs({ args, options: { ...options, from: { type: 'string' }, to: { type: 'string' } }, allowPositionals: true, strict: true }),
  );
  if (values.help) {
    ctx.out(USAGE);
    return 0;
  }
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
