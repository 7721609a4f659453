/**
 * What a stack deploy will do on one cluster, decided before anything changes: per service create, update (with
 * what changes, old → new) or remove; the networks, secrets and configs to create first; secrets and configs whose
 * content changed rotated to new objects (./objects.ts); what the files dropped removed once no kept release uses
 * it. Pure.
 */
import { SlipwayError } from '../errors';
import type { ClusterTarget } from '../swarm/model';
import { specChanges, type SpecChange } from './compare';
import { NAMESPACE_LABEL, type DesiredStack } from './convert';
import type { EngineServiceSpec } from './engineSpec';
import { referencedNames, resolveStackObjects, type FileObjectKind, type ObjectRotation, type RunningFileObject } from './objects';
import type { ReleaseRecord } from './release';

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
  /** Every secret and config of the cluster (an owned one carries the stack's name). */
  readonly secrets: readonly RunningFileObject[];
  readonly configs: readonly RunningFileObject[];
  /** Names of the networks the stack owns (they carry its namespace label). */
  readonly owned: { readonly networks: readonly string[] };
  /** The stack's kept release records: the secrets and configs they use stay on the cluster. */
  readonly releases: readonly ReleaseRecord[];
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

/** An owned secret or config the services stop using that stays, because kept releases use it (for a rollback). */
export interface KeptObject {
  readonly kind: FileObjectKind;
  readonly name: string;
  readonly releases: readonly number[];
}

export interface StackPlan {
  readonly stack: string;
  readonly cluster: ClusterTarget;
  /** The stack as the deploy applies it: owned secrets and configs under the names that hold their content. */
  readonly desired: DesiredStack;
  readonly services: readonly ServicePlan[];
  readonly networksToCreate: readonly string[];
  readonly secretsToCreate: readonly string[];
  readonly configsToCreate: readonly string[];
  /** Secrets and configs whose content changed: new objects, and the services that move to them. */
  readonly rotations: readonly ObjectRotation[];
  /** The stack's own networks, and secrets and configs no kept release uses, that the deploy no longer uses: removed once it converged. */
  readonly networksToRemove: readonly string[];
  readonly secretsToRemove: readonly string[];
  readonly configsToRemove: readonly string[];
  readonly kept: readonly KeptObject[];
  /** What the plan cannot vouch for (a secret whose content cannot be verified). */
  readonly warnings: readonly string[];
  readonly counts: { readonly create: number; readonly update: number; readonly remove: number };
  /** Every service is forced to restart (`--force`), even unchanged ones. */
  readonly forced: boolean;
  readonly requiresConfirmation: boolean;
}

export function planStack(cluster: ClusterTarget, wanted: DesiredStack, running: RunningStack, options: { force?: boolean } = {}): StackPlan {
  const missing = wanted.externalNetworks.filter((n) => ![...running.networks.values()].includes(n));
  if (missing.length > 0) {
    throw new SlipwayError('notFound', `The stack ${wanted.stack} uses the external network${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which cluster "${cluster.name}" does not have`, {
      hint: 'Create the network on the cluster first (external networks are not owned by the stack), or remove external: from the stack file',
      details: { cluster: cluster.name, networks: missing },
    });
  }
  const { desired, rotations, warnings } = resolveStackObjects(wanted, running, cluster.name);
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
  const serviceNames = new Set(desired.services.map((d) => d.spec.Name));
  for (const s of running.services) {
    if (serviceNames.has(s.name)) continue;
    const from = imageOf(s.spec);
    services.push({ name: s.name, action: 'remove', changes: [], ...(from ? { from } : {}) });
  }
  const count = (a: ServiceAction) => services.filter((s) => s.action === a).length;
  const secrets = objectsLeaving('secret', desired, running);
  const configs = objectsLeaving('config', desired, running);
  const existing = (list: readonly RunningFileObject[]) => new Set(list.map((o) => o.name));
  const secretNames = existing(running.secrets);
  const configNames = existing(running.configs);
  return {
    stack: desired.stack,
    cluster,
    desired,
    services,
    networksToCreate: desired.networks.map((n) => n.spec.Name).filter((n) => !networkNames.has(n)),
    secretsToCreate: desired.secrets.filter((s) => s.file !== undefined && !secretNames.has(s.name)).map((s) => s.name),
    configsToCreate: desired.configs.filter((c) => c.file !== undefined && !configNames.has(c.name)).map((c) => c.name),
    rotations,
    networksToRemove: running.owned.networks.filter((n) => !desired.networks.some((d) => d.spec.Name === n)),
    secretsToRemove: secrets.remove,
    configsToRemove: configs.remove,
    kept: [...secrets.kept, ...configs.kept],
    warnings,
    counts: { create: count('create'), update: count('update'), remove: count('remove') },
    forced: options.force === true,
    requiresConfirmation: cluster.role === 'production',
  };
}

/**
 * The stack's own secrets or configs the deploy does not use: removed, unless a kept release uses them (then they
 * stay for a rollback, and go at the first deploy after the last such release was pruned). Those the services use
 * now are reported as kept; older ones stay silently.
 */
function objectsLeaving(kind: FileObjectKind, desired: DesiredStack, running: RunningStack): { remove: string[]; kept: KeptObject[] } {
  const wanted = new Set(kind === 'secret' ? [...desired.secrets.map((s) => s.name), ...desired.externalSecrets] : [...desired.configs.map((c) => c.name), ...desired.externalConfigs]);
  const inUse = new Set(running.services.flatMap((s) => referencedNames(s.spec, kind)));
  const remove: string[] = [];
  const kept: KeptObject[] = [];
  for (const o of kind === 'secret' ? running.secrets : running.configs) {
    if (o.stack !== desired.stack || wanted.has(o.name)) continue;
    const releases = running.releases.filter((r) => (kind === 'secret' ? r.secrets : r.configs).includes(o.name)).map((r) => r.number).sort((a, b) => a - b);
    if (releases.length === 0) remove.push(o.name);
    else if (inUse.has(o.name)) kept.push({ kind, name: o.name, releases });
  }
  return { remove, kept };
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
  const rotatedTo = new Set(plan.rotations.map((r) => r.to));
  for (const n of plan.networksToCreate) lines.push(`  + network ${n}`);
  for (const s of plan.secretsToCreate) if (!rotatedTo.has(s)) lines.push(`  + secret ${s}`);
  for (const c of plan.configsToCreate) if (!rotatedTo.has(c)) lines.push(`  + config ${c}`);
  for (const r of plan.rotations) lines.push(`  ~ ${r.kind} ${r.from.join(', ')} content changed → ${r.to}${r.create ? '' : ' (exists: an earlier release made it)'}; services: ${r.services.join(', ')}`);
  for (const s of plan.services) {
    if (s.action === 'create') lines.push(`  + ${s.name}  create (${s.to ?? ''})`);
    else if (s.action === 'remove') lines.push(`  - ${s.name}  remove (runs ${s.from ?? '?'})`);
    else if (s.action === 'update') {
      lines.push(`  ~ ${s.name}  update${s.changes.length === 0 ? ' (forced restart, no spec change)' : ''}`);
      for (const c of s.changes) lines.push(`      ${c.what}: ${c.from || '(none)'} → ${c.to || '(none)'}`);
    } else lines.push(`  = ${s.name}  unchanged`);
  }
  for (const n of plan.networksToRemove) lines.push(`  - network ${n}  remove (no longer in the files)`);
  for (const n of plan.secretsToRemove) lines.push(`  - secret ${n}  remove (no longer used, and no kept release uses it)`);
  for (const n of plan.configsToRemove) lines.push(`  - config ${n}  remove (no longer used, and no kept release uses it)`);
  for (const k of plan.kept) lines.push(`  = ${k.kind} ${k.name}  kept for a rollback: release${k.releases.length > 1 ? 's' : ''} ${k.releases.map((n) => `#${n}`).join(', ')} use${k.releases.length > 1 ? '' : 's'} it`);
  for (const w of plan.warnings) lines.push(`  ! ${w}`);
  lines.push(planSummaryLine(plan));
  return lines;
}

/** The stack's label selector (services, networks, secrets and configs of one stack). */
export function namespaceFilter(stack: string): string {
  return `${NAMESPACE_LABEL}=${stack}`;
}
