import { parseArgs } from 'node:util';
import { SlipwayError } from '../../core/errors';
import { findCluster } from '../../core/swarm/clusters';
import { clustersTable, nodesTable, servicesTable, tasksTable } from '../../core/swarm/format';
import { findService, tasksOf, type ClusterState } from '../../core/swarm/model';
import { compareVersions } from '../../core/swarm/versions';
import { emit, type CliContext } from '../context';
import { usageError } from '../parse';
import { clusterTargets, connectNamed, readAll, releasesOf } from '../swarm/shared';
import { setNodeAvailability } from '../../app/nodeAvailability';
import { stackOverview, stacksTable } from '../../core/stack/overview';

const USAGE = `Usage: slipway swarm clusters | nodes | services | stacks | tasks SERVICE   [--cluster NAME] [--json]
       slipway swarm drain | activate NODE --cluster NAME [--yes]

  clusters           configured clusters, their role, endpoint and whether they answer
  nodes              nodes per cluster (hostname, role, status, availability, labels)
  services           services per cluster: version, digest, replicas, update state, and
                     "≠ other: version" when another cluster runs a different version
  stacks             stacks per cluster (like docker stack ls): version, newest release, tasks, converged
  tasks SERVICE      the service's tasks (current first, history as \\_), like docker service ps
  drain NODE         Swarm moves the node's tasks elsewhere and schedules none there (NODE: hostname or ID)
  activate NODE      the node takes tasks again; on a production cluster both need --yes

Clusters come from slipway.yml \`clusters:\` and the SLIPWAY_CLUSTERS JSON list.
Exit code 1 when a cluster asked for cannot be read (the others are still printed).
`;

function failures(states: readonly ClusterState[], ctx: CliContext): number {
  let failed = 0;
  for (const s of states) {
    if (s.kind !== 'error') continue;
    failed++;
    // Adapter errors usually name the cluster already ('Cluster "x": …'); say it once.
    const message = s.error.message.includes(`"${s.cluster.name}"`) ? s.error.message : `cluster ${s.cluster.name}: ${s.error.message}`;
    ctx.err(`slipway: ${message}${s.error.hint ? `\nhint: ${s.error.hint}` : ''}\n`);
  }
  return failed;
}

export async function run(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = usageError(() =>
    parseArgs({ args, options: { cluster: { type: 'string', short: 'c' }, yes: { type: 'boolean', short: 'y' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true }),
  );
  if (values.help) {
    ctx.out(USAGE);
    return 0;
  }
  const [what, ...rest] = positionals;
  if (what === 'drain' || what === 'activate') return availability(what, rest, values, ctx);
  if (!what || !['clusters', 'nodes', 'services', 'stacks', 'tasks'].includes(what)) {
    throw new SlipwayError('usage', what ? `Unknown swarm subcommand "${what}"` : 'Missing subcommand: clusters, nodes, services, stacks or tasks');
  }
  if (what === 'tasks' ? rest.length !== 1 : rest.length !== 0) {
    throw new SlipwayError('usage', what === 'tasks' ? 'Usage: slipway swarm tasks SERVICE [--cluster NAME]' : `Unexpected argument "${rest[0]}"`);
  }
  const all = await clusterTargets(ctx);
  const selected = values.cluster ? [findCluster(all, values.cluster)] : all;
  // Services compare versions with every cluster, so all are read even when one is selected.
  const states = await readAll(ctx, what === 'services' ? all : selected);
  const shown = states.filter((s) => selected.some((c) => c.name === s.cluster.name));

  if (what === 'clusters') {
    const data = shown.map((s) => ({
      name: s.cluster.name,
      role: s.cluster.role,
      host: s.cluster.host,
      context: s.cluster.context,
      status: s.kind,
      ...(s.kind === 'error' ? { error: s.error } : {}),
      ...(s.kind === 'ok' ? { nodes: s.snapshot.nodes.length, services: s.snapshot.services.length } : {}),
    }));
    emit(ctx, data, () => clustersTable(shown));
    return values.cluster && failures(shown, ctx) > 0 ? 1 : 0;
  }

  const failed = failures(shown, ctx);
  const ok = shown.filter((s): s is Extract<ClusterState, { kind: 'ok' }> => s.kind === 'ok');
  if (what === 'nodes') {
    emit(
      ctx,
      ok.flatMap((s) => s.snapshot.nodes.map((n) => ({ cluster: s.cluster.name, ...n }))),
      () => ok.map((s) => `${s.cluster.name} (${s.cluster.role})\n${nodesTable(s.snapshot.nodes)}`).join('\n\n'),
    );
  } else if (what === 'stacks') {
    const views = await Promise.all(ok.map(async (s) => ({ s, views: stackOverview(s.snapshot, await releasesOf(ctx, s.cluster)) })));
    emit(
      ctx,
      views.flatMap(({ s, views: v }) => v.map(({ services, ...rest }) => ({ cluster: s.cluster.name, ...rest, services: services.map((x) => ({ name: x.name, version: x.version, digest: x.digest, running: x.runningTasks, desired: x.desiredTasks })) }))),
      () => views.map(({ s, views: v }) => `${s.cluster.name} (${s.cluster.role})\n${stacksTable(v)}`).join('\n\n'),
    );
  } else if (what === 'services') {
    const diffs = compareVersions(states.flatMap((s) => (s.kind === 'ok' ? [s.snapshot] : [])));
    emit(
      ctx,
      ok.flatMap((s) => s.snapshot.services.map((svc) => ({ cluster: s.cluster.name, ...svc, differsFrom: diffs.get(s.cluster.name)?.get(svc.name) ?? [] }))),
      () => ok.map((s) => `${s.cluster.name} (${s.cluster.role})\n${servicesTable(s.snapshot.services, diffs.get(s.cluster.name))}`).join('\n\n'),
    );
  } else {
    const name = rest[0]!;
    const found = ok.map((s) => ({ s, svc: findService(s.snapshot, name) })).filter((x) => x.svc !== undefined);
    if (found.length === 0 && failed === 0) {
      throw new SlipwayError('notFound', `No service "${name}" on ${selected.length === 1 ? `cluster "${selected[0]!.name}"` : 'any configured cluster'}`, {
        hint: 'List the services with `slipway swarm services`',
        details: { service: name },
      });
    }
    emit(
      ctx,
      found.flatMap(({ s, svc }) => tasksOf(s.snapshot, svc!.id).map((t) => ({ cluster: s.cluster.name, ...t }))),
      () => found.map(({ s, svc }) => `${s.cluster.name} (${s.cluster.role})\n${tasksTable(tasksOf(s.snapshot, svc!.id))}`).join('\n\n'),
    );
  }
  return failed > 0 ? 1 : 0;
}

/** `slipway swarm drain|activate NODE --cluster NAME [--yes]` */
async function availability(what: 'drain' | 'activate', rest: string[], values: { cluster?: string | undefined; yes?: boolean | undefined }, ctx: CliContext): Promise<number> {
  if (rest.length !== 1 || !values.cluster) throw new SlipwayError('usage', `Usage: slipway swarm ${what} NODE --cluster NAME [--yes]`);
  const client = await connectNamed(ctx, values.cluster);
  const to = what === 'drain' ? 'drain' : 'active';
  const change = await setNodeAvailability(client, rest[0]!, to, values.yes ? { cluster: client.cluster.name } : undefined).catch((e: unknown) => {
    if (SlipwayError.is(e, 'confirmationRequired')) {
      throw new SlipwayError('confirmationRequired', (e as SlipwayError).message, { hint: `Run again with --yes to ${what} it on ${client.cluster.name}` });
    }
    throw e;
  });
  emit(ctx, { cluster: client.cluster.name, ...change }, () => `${client.cluster.name}: ${change.unchanged ? `${change.node} is already ${change.to}` : change.summary}`);
  return 0;
}
