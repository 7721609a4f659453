import { parseArgs } from 'node:util';
import { SlipwayError } from '../../core/errors';
import { prepareDeploy, startDeploy } from '../../app/swarmOperations';
import type { CliContext } from '../context';
import { usageError } from '../parse';
import { swarm } from '../composition';
import { finishRollout } from '../swarm/rolloutCommand';
import { connectNamed, requireValue, ROLLOUT_OPTIONS, stackContext, timeoutOf } from '../swarm/shared';
import { runStackPlan } from '../swarm/stackCommand';
import { prepareStackDeploy, runningAppVersion } from '../../app/stack/deploy';

const USAGE = `Usage: slipway deploy [VERSION] --cluster NAME [--plan] [--yes] [--force] [--timeout SECONDS] [--json]
       slipway deploy SERVICE VERSION --cluster NAME [--yes] [--detach] [--force] [--timeout SECONDS]

The stack of slipway.yml (deploy.files, or the cluster's stackFiles) at VERSION: the app image
<deploy.registry>/<package.image>:VERSION, every image pinned to its registry digest. A fresh cluster gets the
stack created (networks first); an existing one is updated service by service with each service's update config;
services no longer in the files are removed. Ends converged (exit 0) or failed (exit 1, naming the service, the
task and Swarm's reason), and records a release on the cluster (\`slipway releases\`).
  --plan      print what would change (per service, old → new) and change nothing
  --force     restart every service even when nothing changed
Without VERSION, the version is the one the app runs now (to apply changed stack files).

The second form updates one plain service (outside any stack):

Rolls SERVICE to VERSION (a tag of the service's repository, or a full image reference) with the service's own
update config, pinned to the digest the registry holds for that tag, and follows the rollout task by task.
A cluster with role "production" needs --yes. Exit code 1 when Swarm pauses or rolls the update back (the message
says what Swarm did and which task failed).
  --detach    start the rollout and return
  --force     redeploy even when the service already runs that image (restarts its tasks)
`;

export async function run(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = usageError(() =>
    parseArgs({ args, options: { ...ROLLOUT_OPTIONS, force: { type: 'boolean' }, plan: { type: 'boolean' } }, allowPositionals: true, strict: true }),
  );
  if (values.help) {
    ctx.out(USAGE);
    return 0;
  }
  if (positionals.length <= 1) {
    const { deps, source } = await stackContext(ctx, requireValue(values.cluster, '--cluster NAME'));
    const version = positionals[0] ?? (await runningAppVersion(deps, source));
    const prepared = await prepareStackDeploy(deps, source, version, { force: values.force === true });
    return runStackPlan(ctx, deps, prepared, { planOnly: values.plan === true, yes: values.yes === true, force: values.force === true, timeoutSeconds: timeoutOf(values.timeout), what: 'deploy' });
  }
  if (values.plan) throw new SlipwayError('usage', '--plan is for stack deploys (slipway deploy [VERSION] --cluster NAME --plan)');
  if (positionals.length !== 2) throw new SlipwayError('usage', 'Usage: slipway deploy [VERSION] --cluster NAME | slipway deploy SERVICE VERSION --cluster NAME');
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
