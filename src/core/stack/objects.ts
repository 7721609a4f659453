/**
 * A stack's secrets and configs by content. Swarm's are immutable, so a file whose content changed cannot update the
 * object of the same name: the deploy rotates it to a content-addressed one (`<name>-<first 8 hex of sha256>`) and
 * updates the services that use it. Slipway knows what an object holds from its data (configs) or from the
 * `io.slipway.content-sha256` label it puts on everything it creates (secrets have no readable data); a secret
 * without that label (made by `docker stack deploy`) cannot be verified, and the plan says so. Pure.
 */
import { SlipwayError } from '../errors';
import type { DesiredFileObject, DesiredStack } from './convert';
import type { EngineFileReference, EngineServiceSpec } from './engineSpec';

export const CONTENT_LABEL = 'io.slipway.content-sha256';

/** Swarm refuses secret and config names longer than this. */
const MAX_NAME = 64;

export type FileObjectKind = 'secret' | 'config';

/** A secret or config as the cluster has it. */
export interface RunningFileObject {
  readonly name: string;
  /** SHA-256 (hex) of its content: a config's from its data, a secret's from Slipway's label; unknown otherwise. */
  readonly sha256?: string;
  /** The stack that owns it (its `com.docker.stack.namespace` label). */
  readonly stack?: string;
}

/** One object of the files that gets a new content: the services move from the name(s) they use to `to`. */
export interface ObjectRotation {
  readonly kind: FileObjectKind;
  /** The object's name in the files' terms (`go-auth_appconf`). */
  readonly name: string;
  /** The names the running services use now. */
  readonly from: readonly string[];
  readonly to: string;
  /** `to` does not exist yet (false: an earlier release made it, e.g. when going back to an older content). */
  readonly create: boolean;
  /** Keys of the services that move (`app`). */
  readonly services: readonly string[];
}

export interface ResolvedObjects {
  /** The stack with every owned secret and config under the name holding its content, services pointing there. */
  readonly desired: DesiredStack;
  readonly rotations: readonly ObjectRotation[];
  readonly warnings: readonly string[];
}

/** `<name>-<first 8 hex of sha256>`, the name cut so the whole stays within Swarm's 64 characters. */
export function rotatedName(name: string, sha256: string): string {
  const suffix = `-${sha256.slice(0, 8)}`;
  return `${name.slice(0, MAX_NAME - suffix.length)}${suffix}`;
}

/** The object itself or one of its content-addressed rotations. */
export function isVersionOf(candidate: string, name: string): boolean {
  if (candidate === name) return true;
  const prefix = name.slice(0, MAX_NAME - 9);
  return candidate.length === prefix.length + 9 && candidate.startsWith(`${prefix}-`) && /^[0-9a-f]{8}$/.test(candidate.slice(prefix.length + 1));
}

/** The names a service spec refers to, of one kind. */
export function referencedNames(spec: Record<string, unknown> | EngineServiceSpec, kind: FileObjectKind): string[] {
  const container = (spec as EngineServiceSpec).TaskTemplate?.ContainerSpec;
  const refs = (kind === 'secret' ? container?.Secrets : container?.Configs) ?? [];
  return refs.map((r) => (kind === 'secret' ? r.SecretName : r.ConfigName) ?? '').filter((n) => n !== '');
}

function fileName(path: string | undefined): string {
  return path ? path.slice(path.lastIndexOf('/') + 1) : 'its file';
}

/**
 * Chooses, for every secret and config the stack owns, the name that holds the content the files (or a release)
 * ask for, and points the services at it. `running` is what the cluster has: every object, and the stack's services.
 */
export function resolveStackObjects(
  desired: DesiredStack,
  running: { readonly secrets: readonly RunningFileObject[]; readonly configs: readonly RunningFileObject[]; readonly services: readonly { readonly name: string; readonly spec: Record<string, unknown> }[] },
  cluster: string,
): ResolvedObjects {
  const warnings: string[] = [];
  const rotations: ObjectRotation[] = [];
  const missing: string[] = [];

  const resolve = (kind: FileObjectKind, objects: readonly DesiredFileObject[], external: readonly string[], onCluster: readonly RunningFileObject[]) => {
    const byName = new Map(onCluster.map((o) => [o.name, o] as const));
    for (const name of external) if (!byName.has(name)) missing.push(`${kind} ${name}`);
    const renamed = new Map<string, string>();
    const resolved = objects.map((o): DesiredFileObject => {
      const name = chooseName(kind, o, byName, warnings, missing, cluster);
      if (name !== o.name) renamed.set(o.name, name);
      return name === o.name ? o : { ...o, name };
    });
    return { resolved, renamed, created: new Set(resolved.filter((o) => !byName.has(o.name)).map((o) => o.name)) };
  };
  const secrets = resolve('secret', desired.secrets, desired.externalSecrets, running.secrets);
  const configs = resolve('config', desired.configs, desired.externalConfigs, running.configs);
  if (missing.length > 0) {
    throw new SlipwayError('notFound', `Stack ${desired.stack} needs ${missing.join(', ')}, which cluster "${cluster}" does not have`, {
      hint: 'External secrets and configs must exist before a deploy. Those a stack owns stay on the cluster while a kept release uses them; one removed by hand (or by an older Slipway) is gone with its content',
      details: { cluster, stack: desired.stack, missing },
    });
  }

  const services = desired.services.map((s) => {
    const container = s.spec.TaskTemplate.ContainerSpec;
    if (secrets.renamed.size === 0 && configs.renamed.size === 0) return s;
    const rename = (refs: EngineFileReference[] | undefined, kind: FileObjectKind): EngineFileReference[] | undefined =>
      refs?.map((r) => {
        const map = kind === 'secret' ? secrets.renamed : configs.renamed;
        const current = kind === 'secret' ? r.SecretName : r.ConfigName;
        const to = current !== undefined ? map.get(current) : undefined;
        if (to === undefined) return r;
        return kind === 'secret' ? { ...r, SecretName: to } : { ...r, ConfigName: to };
      }).sort((a, b) => ((a.SecretName ?? a.ConfigName ?? '') < (b.SecretName ?? b.ConfigName ?? '') ? -1 : 1));
    const Secrets = rename(container.Secrets, 'secret');
    const Configs = rename(container.Configs, 'config');
    return { ...s, spec: { ...s.spec, TaskTemplate: { ...s.spec.TaskTemplate, ContainerSpec: { ...container, ...(Secrets ? { Secrets } : {}), ...(Configs ? { Configs } : {}) } } } };
  });

  // What the running services use now, per object of the files: a different name there is a rotation.
  const runningByName = new Map(running.services.map((s) => [s.name, s] as const));
  const rotationsOf = (kind: FileObjectKind, original: readonly DesiredFileObject[], resolved: readonly DesiredFileObject[], created: ReadonlySet<string>) => {
    original.forEach((o, i) => {
      const to = resolved[i]!.name;
      const from = new Set<string>();
      const moved: string[] = [];
      for (const s of services) {
        if (!referencedNames(s.spec, kind).includes(to)) continue;
        const current = runningByName.get(s.spec.Name);
        if (!current) continue;
        const used = referencedNames(current.spec, kind).filter((n) => isVersionOf(n, o.name) && n !== to);
        if (used.length === 0) continue;
        for (const n of used) from.add(n);
        moved.push(s.key);
      }
      if (moved.length > 0) rotations.push({ kind, name: o.name, from: [...from].sort(), to, create: created.has(to), services: moved });
    });
  };
  rotationsOf('secret', desired.secrets, secrets.resolved, secrets.created);
  rotationsOf('config', desired.configs, configs.resolved, configs.created);

  return { desired: { ...desired, secrets: secrets.resolved, configs: configs.resolved, services }, rotations, warnings };
}

function chooseName(kind: FileObjectKind, o: DesiredFileObject, byName: ReadonlyMap<string, RunningFileObject>, warnings: string[], missing: string[], cluster: string): string {
  const base = byName.get(o.name);
  if (o.file === undefined) {
    // Pinned by a release record: exactly that object, which exists while a kept release uses it.
    if (!base) missing.push(`${kind} ${o.name}`);
    else if (o.sha256 && base.sha256 && base.sha256 !== o.sha256) warnings.push(`${kind} ${o.name} on the cluster does not hold the content the release recorded (someone replaced it)`);
    return o.name;
  }
  if (!o.sha256) throw new SlipwayError('internal', `The content of the ${kind} ${o.name} was not read before planning`);
  if (base?.sha256 === o.sha256) return o.name;
  const rotated = rotatedName(o.name, o.sha256);
  const existing = byName.get(rotated);
  if (existing?.sha256 === o.sha256) return rotated;
  if (!base) return o.name;
  if (base.sha256 === undefined) {
    warnings.push(
      `${kind} ${o.name} was not created by Slipway (it has no ${CONTENT_LABEL} label; docker stack deploy makes them so): Slipway cannot tell whether ${fileName(o.file)} changed and leaves it as it is. To roll out a new content, give it a new name: in the stack file`,
    );
    return o.name;
  }
  if (existing) {
    throw new SlipwayError('docker', `The ${kind} ${rotated} on cluster "${cluster}" should hold the new content of ${fileName(o.file)} but holds ${existing.sha256 ? 'another one' : 'a content Slipway cannot verify'}`, {
      hint: `Remove ${rotated} from the cluster (no service may use it), or give the ${kind} a new name: in the stack file`,
      details: { cluster, [kind]: rotated },
    });
  }
  return rotated;
}
