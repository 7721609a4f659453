/**
 * What a stack deploy will do on one cluster, decided before anything changes: per service create, update (with
 * what changes, old → new) or remove; the networks, secrets and configs to create first. Pure.
 */
import { SlipwayError } from '../errors';
import type { ClusterTarget } from '../swarm/model';
import { specChanges, type SpecChange } from './compare';
import { NAMESPACE_LABEL, type DesiredStack } from './convert';
import type { EngineServiceSpec } from './engineSpec';

/** A service of the stack as the cluster has it. */
export interface RunningService {
  readonly id: string;
  readonly name: string;
  readonly spec: Record<string, unknown>;
}

/** The stack's objects on the cluster (found by `com.docker.stack.namespace`) and the names of all networks. */
export interface RunningStack {
  readonly services: readonly RunningService[];
  /** Every network of the cluster: ID → name (services refer to networks by ID). */
  readonly networks: ReadonlyMap<string, string>;
  readonly secrets: readonly string[];
  readonly configs: readonly string[];
  /** Names of the networks, secrets and configs the stack owns (they carry its namespace label). */
  readonly owned: { readonly networks: readonly string[]; readonly secrets: readonly string[]; readonly configs: readonly string[] };
}

export type ServiceAction = 'create' | 'update' | 'remove' | 'unchanged';

export interface ServicePlan {
  readonly name: string;
  readonly action: ServiceAction;
  readonly changes: readonly SpecChange[];
  /** Image before / after (`repo:tag@sha256:…`), when there is one. */
  readonly from?: string;
  readonly to?: string;
}

export interface StackPlan {
  readonly stack: string;
  readonly cluster: ClusterTarget;
  readonly services: readonly ServicePlan[];
  readonly networksToCreate: readonly string[];
  readonly secretsToCreate: readonly string[];
  readonly configsToCreate: readonly string[];
  /** The stack's own networks, secrets and configs the files no longer name: removed once the deploy converged. */
  readonly networksToRemove: readonly string[];
  readonly secretsToRemove: readonly string[];
  readonly configsToRemove: readonly string[];
  readonly counts: { readonly create: number; readonly update: number; readonly remove: number };
  /** Every service is forced to restart (`--force`), even unchanged ones. */
  readonly forced: boolean;
  readonly requiresConfirmation: boolean;
}

export function planStack(cluster: ClusterTarget, desired: DesiredStack, running: RunningStack, options: { force?: boolean } = {}): StackPlan {
  const missing = desired.externalNetworks.filter((n) => ![...running.networks.values()].includes(n));
  if (missing.length > 0) {
    throw new SlipwayError('notFound', `The stack ${desired.stack} uses the external network${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which cluster "${cluster.name}" does not have`, {
      hint: 'Create the network on the cluster first (external networks are not owned by the stack), or remove external: from the stack file',
      details: { cluster: cluster.name, networks: missing },
    });
  }
  const networkNames = new Set(running.networks.values());
  const byName = new Map(running.services.map((s) => [s.name, s] as const));
  const names = { networks: running.networks };
  const services: ServicePlan[] = desired.services.map((d) => {
    const current = byName.get(d.spec.Name);
    if (!current) return { name: d.spec.Name, action: 'create', changes: [], to: d.spec.TaskTemplate.ContainerSpec.Image };
    const changes = specChanges(current.spec, d.spec as unknown as Record<string, unknown>, names);
    const from = imageOf(current.spec);
    const action: ServiceAction = changes.length > 0 || options.force ? 'update' : 'unchanged';
    return { name: d.spec.Name, action, changes, ...(from ? { from } : {}), to: d.spec.TaskTemplate.ContainerSpec.Image };
  });
  const wanted = new Set(desired.services.map((d) => d.spec.Name));
  for (const s of running.services) {
    if (wanted.has(s.name)) continue;
    const from = imageOf(s.spec);
    services.push({ name: s.name, action: 'remove', changes: [], ...(from ? { from } : {}) });
  }
  const count = (a: ServiceAction) => services.filter((s) => s.action === a).length;
  return {
    stack: desired.stack,
    cluster,
    services,
    networksToCreate: desired.networks.map((n) => n.spec.Name).filter((n) => !networkNames.has(n)),
    secretsToCreate: desired.secrets.map((s) => s.name).filter((n) => !running.secrets.includes(n)),
    configsToCreate: desired.configs.map((c) => c.name).filter((n) => !running.configs.includes(n)),
    networksToRemove: running.owned.networks.filter((n) => !desired.networks.some((d) => d.spec.Name === n)),
    secretsToRemove: running.owned.secrets.filter((n) => !desired.secrets.some((d) => d.name === n)),
    configsToRemove: running.owned.configs.filter((n) => !desired.configs.some((d) => d.name === n)),
    counts: { create: count('create'), update: count('update'), remove: count('remove') },
    forced: options.force === true,
    requiresConfirmation: cluster.role === 'production',
  };
}

export function imageOf(spec: Record<string, unknown> | EngineServiceSpec): string | undefined {
  const image = (spec as EngineServiceSpec).TaskTemplate?.ContainerSpec?.Image;
  return typeof image === 'string' ? image : undefined;
}

export function planChangesNothing(plan: StackPlan): boolean {
  return plan.counts.create + plan.counts.update + plan.counts.remove === 0 && plan.networksToCreate.length + plan.networksToRemove.length + plan.secretsToRemove.length + plan.configsToRemove.length === 0;
}

/** The last line of `--plan`: "Plan: 1 to create, 2 to update, 0 to remove." */
export function planSummaryLine(plan: StackPlan): string {
  return `Plan: ${plan.counts.create} to create, ${plan.counts.update} to update, ${plan.counts.remove} to remove.`;
}

/** The plan as text, one block per service that changes, for the CLI and the editor's confirmation. */
export function planLines(plan: StackPlan): string[] {
  const lines: string[] = [`Stack ${plan.stack} on ${plan.cluster.name}${plan.cluster.role === 'production' ? ' (production)' : ''}:`];
  for (const n of plan.networksToCreate) lines.push(`  + network ${n}`);
  for (const s of plan.secretsToCreate) lines.push(`  + secret ${s}`);
  for (const c of plan.configsToCreate) lines.push(`  + config ${c}`);
  for (const s of plan.services) {
    if (s.action === 'create') lines.push(`  + ${s.name}  create (${s.to ?? ''})`);
    else if (s.action === 'remove') lines.push(`  - ${s.name}  remove (runs ${s.from ?? '?'})`);
    else if (s.action === 'update') {
      lines.push(`  ~ ${s.name}  update${s.changes.length === 0 ? ' (forced restart, no spec change)' : ''}`);
      for (const c of s.changes) lines.push(`      ${c.what}: ${c.from || '(none)'} → ${c.to || '(none)'}`);
    } else lines.push(`  = ${s.name}  unchanged`);
  }
  for (const n of plan.networksToRemove) lines.push(`  - network ${n}  remove (no longer in the files)`);
  for (const n of plan.secretsToRemove) lines.push(`  - secret ${n}  remove (no longer in the files)`);
  for (const n of plan.configsToRemove) lines.push(`  - config ${n}  remove (no longer in the files)`);
  lines.push(planSummaryLine(plan));
  return lines;
}

/** The stack's label selector (services, networks, secrets and configs of one stack). */
export function namespaceFilter(stack: string): string {
  return `${NAMESPACE_LABEL}=${stack}`;
}
