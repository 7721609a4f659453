import type { ClusterSnapshot } from './swarm/model';
import type { SlipwayConfig } from './config/model';

/** One line of `slipway doctor`: what was checked, whether it answered, and how to fix it when not. */
export interface DoctorCheck {
  readonly name: string;
  readonly ok: boolean;
  /** What was found (a version, a state) or why it failed. */
  readonly detail: string;
  /** What to do when not ok. */
  readonly fix?: string;
  /** Optional checks do not make doctor fail (e.g. git-flow not initialised yet). */
  readonly optional?: boolean;
}

export interface DoctorReport {
  readonly ok: boolean;
  readonly checks: readonly DoctorCheck[];
}

export function doctorReport(checks: readonly DoctorCheck[]): DoctorReport {
  return { ok: checks.every((c) => c.ok || c.optional === true), checks };
}

export function formatDoctorReport(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines = report.checks.map((c) => {
    const mark = c.ok ? 'ok  ' : c.optional ? 'warn' : 'FAIL';
    const head = `${mark}  ${c.name.padEnd(width)}  ${c.detail}`;
    return c.ok || !c.fix ? head : `${head}\n      ${' '.repeat(width)}  fix: ${c.fix}`;
  });
  lines.push(report.ok ? 'Slipway is ready.' : 'Some checks failed; see the fixes above.');
  return lines.join('\n');
}

/** What the doctor learnt about one configured cluster: its engine's swarm state and a snapshot, or why not. */
export type ClusterProbe =
  | { readonly cluster: string; readonly endpoint: string; readonly kind: 'unreachable'; readonly message: string; readonly hint?: string }
  | {
      readonly cluster: string;
      readonly endpoint: string;
      readonly kind: 'answered';
      /** Swarm's LocalNodeState: active, inactive, pending, error, locked. */
      readonly swarmState: string;
      readonly manager: boolean;
      readonly snapshot?: ClusterSnapshot;
    };

/** A service that does not run as its spec says: fewer running tasks than desired, or a paused / rolled-back update. */
export function unhealthyServices(snapshot: ClusterSnapshot): string[] {
  const out: string[] = [];
  for (const s of snapshot.services) {
    const short = s.runningTasks < s.desiredTasks;
    const update = s.updateState?.failed ? s.updateState : undefined;
    if (!short && !update) continue;
    const failedTask = snapshot.tasks
      .filter((t) => t.serviceId === s.id && (t.state === 'failed' || t.state === 'rejected') && (t.error || t.message))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
    const parts = [`${s.name} ${s.runningTasks}/${s.desiredTasks} running`];
    if (update) parts.push(update.label);
    if (failedTask) parts.push(`task ${failedTask.state}: ${failedTask.error ?? failedTask.message}`);
    out.push(parts.join(', '));
  }
  return out;
}

/** Two checks per cluster: reachable as a swarm manager; every service running as its spec says. */
export function clusterChecks(probe: ClusterProbe): DoctorCheck[] {
  const name = `cluster ${probe.cluster}`;
  if (probe.kind === 'unreachable') {
    return [{ name, ok: false, detail: `${probe.endpoint}: ${probe.message}`, fix: probe.hint ?? 'Start the engine, or correct the cluster\'s host or context' }];
  }
  if (probe.swarmState !== 'active') {
    return [{ name, ok: false, detail: `${probe.endpoint} answers, but its swarm is ${probe.swarmState}`, fix: 'Point the cluster at a manager of a swarm (docker swarm init makes the engine one)' }];
  }
  if (!probe.manager) {
    return [{ name, ok: false, detail: `${probe.endpoint} is a swarm worker; deploys need a manager`, fix: 'Point the cluster at a manager node of the swarm' }];
  }
  const head: DoctorCheck = { name, ok: true, detail: `${probe.endpoint}: swarm active, manager${probe.snapshot ? `, ${probe.snapshot.nodes.length} node(s)` : ''}` };
  if (!probe.snapshot) return [head];
  const unhealthy = unhealthyServices(probe.snapshot);
  const services: DoctorCheck =
    unhealthy.length === 0
      ? { name: `${name} services`, ok: true, detail: `${probe.snapshot.services.length} service(s), all running as specified` }
      : { name: `${name} services`, ok: false, detail: unhealthy.join('; '), fix: "Look at the failing tasks and the service's logs, then deploy a fixed version or roll back" };
  return [head, services];
}

/** The compose CLI: v2 is fine; v1 works but is end-of-life, so it is a warning. */
export function composeCheck(cli: { readonly command: string; readonly version: string; readonly generation: 1 | 2 } | undefined): DoctorCheck {
  const name = 'compose CLI';
  if (!cli) {
    return { name, ok: false, detail: 'neither `docker compose` (v2) nor `docker-compose` (v1) answers', fix: 'Install the compose plugin (docker compose v2)' };
  }
  const detail = `${cli.command} ${cli.version} (v${cli.generation})`;
  if (cli.generation === 1) {
    return { name, ok: false, optional: true, detail: `${detail}: compose v1 is end-of-life; Slipway uses it, but its warnings and behaviour differ`, fix: 'Install the compose plugin (docker compose v2)' };
  }
  return { name, ok: true, detail };
}

/** Files slipway.yml names (paths relative to the workspace): the stage that uses one fails without it. */
export function filesNamedBy(config: SlipwayConfig): { readonly key: string; readonly path: string }[] {
  const files: { key: string; path: string }[] = [];
  // The Dockerfile is named relative to the build context, like `docker build -f`.
  if (config.package) files.push({ key: 'package.dockerfile', path: `${config.package.context.replace(/\/+$/, '')}/${config.package.dockerfile}` });
  if (config.integration) files.push({ key: 'integration.compose', path: config.integration.compose });
  if (config.deploy?.readiness) files.push({ key: 'deploy.readiness.compose', path: config.deploy.readiness.compose });
  if (config.deploy?.production) files.push({ key: 'deploy.production.compose', path: config.deploy.production.compose });
  for (const f of config.deploy?.files ?? []) files.push({ key: 'deploy.files', path: f });
  for (const c of config.clusters) for (const f of c.stackFiles ?? []) files.push({ key: `clusters.${c.name}.stackFiles`, path: f });
  return files;
}

/** Registries slipway.yml and the clusters name, each once. */
export function registriesNamedBy(config: SlipwayConfig | undefined, clusters: readonly { readonly registry?: string }[]): string[] {
  const all = [config?.deploy?.registry, ...clusters.map((c) => c.registry)].filter((r): r is string => typeof r === 'string' && r.length > 0);
  return [...new Set(all)];
}
