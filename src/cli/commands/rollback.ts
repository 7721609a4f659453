import { parseArgs } from 'node:util';
import { SlipwayError } from '../../core/errors';
import { startRollback } from '../../core/swarm/operations';
import type { CliContext } from '../context';
import { usageError } from '../parse';
import { finishRollout } from '../swarm/rolloutCommand';
import { connectNamed, requireValue, ROLLOUT_OPTIONS, timeoutOf } from '../swarm/shared';

const USAGE = `Usage: slipway rollback SERVICE --cluster NAME [--yes] [--detach] [--timeout SECONDS]

Asks Swarm to return SERVICE to its previous spec (like \`docker service rollback\`), paced by the service's
rollback config, and follows it until it completes. Rolling back a cluster with role "production" changes what
runs there, so like a deploy it needs --yes.
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
  if (client.cluster.role === 'production' && values.yes !== true) {
    throw new SlipwayError('confirmationRequired', `Refusing to roll back ${positionals[0]!} on production cluster "${clusterName}" without confirmation`, {
      hint: `Re-run with --yes to roll back on ${clusterName}: slipway rollback ${positionals[0]!} --cluster ${clusterName} --yes`,
    });
  }
  return finishRollout(ctx, client, 'rollback', () => startRollback(client, positionals[0]!), { detach: values.detach === true, timeoutSeconds: timeoutOf(values.timeout) });
}
