import { parseArgs } from 'node:util';
import { SlipwayError } from '../../core/errors';
import { prepareDeploy, startDeploy } from '../../core/swarm/operations';
import type { CliContext } from '../context';
import { usageError } from '../parse';
import { swarm } from '../composition';
import { finishRollout } from '../swarm/rolloutCommand';
import { connectNamed, requireValue, ROLLOUT_OPTIONS, timeoutOf } from '../swarm/shared';

const USAGE = `Usage: slipway deploy SERVICE VERSION --cluster NAME [--yes] [--detach] [--force] [--timeout SECONDS]

Rolls SERVICE to VERSION (a tag of the service's repository, or a full image reference) with the service's own
update config, pinned to the digest the registry holds for that tag, and follows the rollout task by task.
A cluster with role "production" needs --yes. Exit code 1 when Swarm pauses or rolls the update back (the message
says what Swarm did and which task failed).
  --detach    start the rollout and return
  --force     redeploy even when the service already runs that image (restarts its tasks)
`;

export async function run(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = usageError(() =>
    parseArgs({ args, options: { ...ROLLOUT_OPTIONS, force: { type: 'boolean' } }, allowPositionals: true, strict: true }),
  );
  if (values.help) {
    ctx.out(USAGE);
    return 0;
  }
  if (positionals.length !== 2) throw new SlipwayError('usage', 'Usage: slipway deploy SERVICE VERSION --cluster NAME [--yes]');
  const [service, version] = positionals as [string, string];
  const clusterName = requireValue(values.cluster, '--cluster NAME');
  const timeoutSeconds = timeoutOf(values.timeout);
  const client = await connectNamed(ctx, clusterName);
  return finishRollout(
    ctx,
    client,
    'deploy',
    async () => {
      const plan = await prepareDeploy(client, service, version, await swarm.registryFor());
      return startDeploy(client, plan, {
        confirmation: values.yes ? { cluster: clusterName } : undefined,
        force: values.force === true,
        confirmHint: `Re-run with --yes to deploy to ${clusterName}: slipway deploy ${service} ${version} --cluster ${clusterName} --yes`,
      });
    },
    { detach: values.detach === true, timeoutSeconds },
  );
}
