import { parseArgs } from 'node:util';
import { SlipwayError } from '../../core/errors';
import { startRollback } from '../../app/swarmOperations';
import type { CliContext } from '../context';
import { usageError } from '../parse';
import { finishRollout } from '../swarm/rolloutCommand';
import { connectNamed, releaseNumber, requireValue, ROLLOUT_OPTIONS, stackContext, timeoutOf } from '../swarm/shared';
import { runStackPlan } from '../swarm/stackCommand';
import { prepareStackRollback } from '../../app/stack/releases';

const USAGE = `Usage: slipway rollback --cluster NAME [--to RELEASE] [--plan] [--yes] [--timeout SECONDS] [--json]
       slipway rollback SERVICE --cluster NAME [--yes] [--detach] [--timeout SECONDS]

The first form puts the whole stack of slipway.yml back to a recorded release (\`slipway releases\`): by default
the newest converged release before the current one; --to N picks any kept release. The rollback is itself a new
release that says which release it went back to. A production cluster needs --yes.

The second form:

Asks Swarm to return SERVICE to its previous spec (like \`docker service rollback\`), paced by the service's
rollback config, and follows it until it completes. Rolling back a cluster with role "production" changes what
runs there, so like a deploy it needs --yes.
`;

export async function run(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = usageError(() =>
    parseArgs({ args, options: { ...ROLLOUT_OPTIONS, to: { type: 'string' }, plan: { type: 'boolean' }, reason: { type: 'string' } }, allowPositionals: true, strict: true }),
  );
  if (values.help) {
    ctx.out(USAGE);
    return 0;
  }
  if (positionals.length === 0) {
    const { deps, source } = await stackContext(ctx, requireValue(values.cluster, '--cluster NAME'));
    const to = values.to === undefined ? undefined : releaseNumber(values.to);
    const prepared = await prepareStackRollback(deps.cluster, source, to);
    return runStackPlan(ctx, deps, prepared, { planOnly: values.plan === true, yes: values.yes === true, force: false, timeoutSeconds: timeoutOf(values.timeout), what: 'rollback', ...(values.reason ? { reason: values.reason } : {}) });
  }
  if (values.to !== undefined || values.plan) throw new SlipwayError('usage', '--to and --plan are for stack rollbacks (slipway rollback --cluster NAME --to N)');
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
