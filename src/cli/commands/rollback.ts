import { parseArgs } from 'node:util';
import { SlipwayError } from '../../core/errors';
import { startRollback } from '../../core/swarm/operations';
import type { CliContext } from '../context';
import { usageError } from '../parse';
import { finishRollout } from '../swarm/rolloutCommand';
import { connectNamed, requireValue, ROLLOUT_OPTIONS, timeoutOf } from '../swarm/shared';

const USAGE = `Usage: slipway rollback SERVICE --cluster NAME [--detach] [--timeout SECONDS]

Asks Swarm to return SERVICE to its previous spec (like \`docker service rollback\`), paced by the service's
rollback config, and follows it until it completes.
`;

export async function run(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = usageError(() => parseArgs({ args, options: ROLLOUT_OPTIONS, allowPositionals: true, strict: true }));
  if (values.help) {
    ctx.out(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new SlipwayError('usage', 'Usage: slipway rollback SERVICE --cluster NAME');
  const clusterName = requireValue(values.cluster, '--cluster NAME');
  const client = await connectNamed(ctx, clusterName);
  return finishRollout(ctx, client, 'rollback', () => startRollback(client, positionals[0]!), { detach: values.detach === true, timeoutSeconds: timeoutOf(values.timeout) });
}
