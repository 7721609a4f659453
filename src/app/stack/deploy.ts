/**
 * Deploying a stack: load the files for this version, pin every image to its registry digest, plan against what
 * runs, guard production, apply the steps (networks first, then service by service), follow every changed service
 * until it converged or failed, and record a release in the cluster. CLI, editor and pipeline all call these.
 */
import { delay } from '../../core/run/cancellation';
import { SlipwayError, cancelledError, isCancellation, toSlipwayError } from '../../core/errors';
import { convertStack, type DesiredFileObject, type DesiredStack } from '../../core/stack/convert';
import { CONTENT_LABEL } from '../../core/stack/objects';
import { loadStack } from '../../core/stack/load';
import { planChangesNothing, planStack, type StackPlan } from '../../core/stack/plan';
import { needsRollout, stackSteps, describeStep, type StackStep } from '../../core/stack/steps';
import { serviceConvergence, type ServiceConvergence } from '../../core/stack/convergence';
import { nextReleaseNumber, releaseFileObjects, releasesToPrune, underwayOutcome, type ReleaseRecord } from '../../core/stack/release';
import { formatImageRef, parseImageRef, shortDigest, tryParseImageRef, versionOf } from '../../core/swarm/imageRef';
import type { RegistryLookup } from '../swarmOperations';
import type { Confirmation } from '../../core/swarm/plans';
import type { Remedy } from '../../core/remedies';
import type { FileContent, StackClusterPort, StackFilesPort } from '../../core/stack/ports';
import type { StackSource } from './source';

export interface StackDeployDeps {
  readonly cluster: StackClusterPort;
  readonly files: StackFilesPort;
  readonly registryFor: RegistryLookup;
  /** Variables stack files may use (the process environment); SLIPWAY_IMAGE and SLIPWAY_VERSION are added. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface PreparedStackDeploy {
  /** What changes, and (plan.desired) the stack as it will be applied. */
  readonly plan: StackPlan;
  readonly version: string;
  readonly source: StackSource;
  readonly warnings: readonly string[];
  /** Where the desired state came from (release records say what they went back to or promoted). */
  readonly origin?: { readonly rollbackOf?: number; readonly promotedFrom?: { readonly cluster: string; readonly release: number } };
}

export type StackDeployEvent =
  | { readonly kind: 'step'; readonly text: string }
  | { readonly kind: 'progress'; readonly service: string; readonly message: string }
  | { readonly kind: 'serviceDone'; readonly service: string; readonly outcome: 'converged' | 'failed'; readonly message: string };

export interface StackApplyOptions {
  readonly confirmation?: Confirmation;
  readonly force?: boolean;
  /** editor | cli | `pipeline <run>` */
  readonly trigger: string;
  readonly who: string;
  readonly commit?: string;
  readonly reason?: string;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  readonly pollMs?: number;
  readonly onEvent?: (event: StackDeployEvent) => void;
  readonly now?: () => Date;
}

export interface StackDeployResult {
  readonly outcome: 'unchanged' | 'converged' | 'failed';
  readonly plan: StackPlan;
  readonly version: string;
  readonly release?: number;
  readonly services: readonly ServiceConvergence[];
  readonly message: string;
  /** For a failed deploy: roll the stack back, look at the releases. */
  readonly remedies: readonly Remedy[];
}

/**
 * Pins every image that names a registry to the digest the registry holds for its tag (what `docker stack deploy`
 * asks the engine to do); images already pinned keep their digest, engine-local images stay as written.
 */
export async function pinImages(desired: DesiredStack, registryFor: RegistryLookup, known: ReadonlyMap<string, string> = new Map()): Promise<DesiredStack> {
  const digests = new Map<string, string>(known);
  const services = await Promise.all(
    desired.services.map(async (s) => {
      const text = s.spec.TaskTemplate.ContainerSpec.Image;
      const ref = tryParseImageRef(text);
      if (!ref || ref.digest || !ref.registry) return s;
      const tag = ref.tag ?? 'latest';
      const key = `${ref.repository}:${tag}`;
      let digest = digests.get(key);
      if (!digest) {
        const registry = registryFor(ref);
        if (!registry) return s;
        digest = await registry.digest(ref.path, tag);
        digests.set(key, digest);
      }
      const pinned = formatImageRef({ repository: ref.repository, tag, digest });
      return { ...s, spec: { ...s.spec, TaskTemplate: { ...s.spec.TaskTemplate, ContainerSpec: { ...s.spec.TaskTemplate.ContainerSpec, Image: pinned } } } };
    }),
  );
  return { ...desired, services };
}

/** Reads the content of every secret and config the stack creates from a file, noting its SHA-256 for the plan. */
export async function withContentHashes(desired: DesiredStack, files: StackFilesPort): Promise<DesiredStack> {
  const hashed = (list: readonly DesiredFileObject[]) => Promise.all(list.map(async (o) => (o.file === undefined ? o : { ...o, sha256: (await files.content(o.file)).sha256 })));
  const [secrets, configs] = await Promise.all([hashed(desired.secrets), hashed(desired.configs)]);
  return { ...desired, secrets, configs };
}

/** The app image for a version: `registry/image:VERSION`, or a full reference given as the version. */
export function appImageFor(source: StackSource, version: string): string {
  const v = version.trim();
  if (v.includes('/') || v.includes('@')) return formatImageRef(parseImageRef(v));
  if (!source.appRepository) throw new SlipwayError('config', 'slipway.yml has no package.image: Slipway cannot tell which image VERSION names', { hint: 'Set package.image (and deploy.registry), or pass a full image reference', remedies: [{ action: 'openConfig' }] });
  if (!/^[\w][\w.-]{0,127}$/.test(v)) throw new SlipwayError('usage', `"${v}" is not a valid image tag`);
  return `${source.appRepository}:${v}`;
}

/** Plans a deploy of `version` (the app image's tag, or a full image reference; `digest` when already known). */
export async function prepareStackDeploy(deps: StackDeployDeps, source: StackSource, version: string, options: { force?: boolean; digest?: string } = {}): Promise<PreparedStackDeploy> {
  const image = appImageFor(source, version);
  const ref = parseImageRef(image);
  const unpinned = formatImageRef({ repository: ref.repository, tag: ref.tag ?? 'latest', digest: undefined });
  const texts = await deps.files.read(source.files);
  const loaded = loadStack(texts, { ...deps.env, SLIPWAY_IMAGE: unpinned, SLIPWAY_VERSION: versionOf(ref) });
  if (source.app && !(source.app in loaded.compose.services)) {
    throw new SlipwayError('config', `deploy.app names the service "${source.app}", which ${source.files.join(', ')} do${source.files.length > 1 ? '' : 'es'} not define`, {
      hint: `Services in the stack: ${Object.keys(loaded.compose.services).join(', ')}`,
      remedies: [{ action: 'openConfig' }],
    });
  }
  const known = new Map<string, string>();
  const digest = ref.digest ?? options.digest;
  if (digest) known.set(`${ref.repository}:${ref.tag ?? 'latest'}`, digest);
  const desired = await withContentHashes(await pinImages(convertStack(source.stack, loaded), deps.registryFor, known), deps.files);
  const running = await deps.cluster.running(source.stack);
  const plan = planStack(deps.cluster.cluster, desired, running, { force: options.force });
  return { plan, version: versionOf(ref), source, warnings: loaded.warnings };
}

/** Throws `confirmationRequired` unless a production change was confirmed by naming its cluster. */
export function assertStackConfirmed(plan: StackPlan, confirmation: Confirmation | undefined, what = 'deploy'): void {
  if (!plan.requiresConfirmation || confirmation?.cluster === plan.cluster.name) return;
  throw new SlipwayError('confirmationRequired', `Refusing to ${what} stack ${plan.stack} on production cluster "${plan.cluster.name}" without confirmation (${plan.counts.create} to create, ${plan.counts.update} to update, ${plan.counts.remove} to remove)`, {
    hint: `Confirm by naming the cluster ${plan.cluster.name}`,
    details: { cluster: plan.cluster.name, stack: plan.stack, counts: plan.counts },
  });
}

interface Followed {
  readonly sentAt: number;
  readonly name: string;
  readonly image: string;
  readonly since: string;
  readonly created: boolean;
  readonly rolling: boolean;
}

/**
 * Polls every changed service until each converged or one failed (then the others are not waited for). Each poll
 * reads the whole stack at once (its services and tasks: two API calls), however many services changed.
 */
async function followConvergence(cluster: StackClusterPort, stack: string, followed: readonly Followed[], options: StackApplyOptions): Promise<ServiceConvergence[]> {
  const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);
  const last = new Map<string, ServiceConvergence>();
  const done = new Set<string>();
  for (;;) {
    const states = followed.length > done.size ? await cluster.stackState(stack) : new Map();
    for (const f of followed) {
      if (done.has(f.name)) continue;
      const state = states.get(f.name);
      if (!state) {
        const gone: ServiceConvergence = { service: f.name, outcome: 'failed', message: `${f.name} is no longer on cluster "${cluster.cluster.name}" (removed while the deploy followed it)`, running: 0, desired: 0 };
        last.set(f.name, gone);
        options.onEvent?.({ kind: 'serviceDone', service: f.name, outcome: 'failed', message: gone.message });
        return followed.map((x) => last.get(x.name) ?? { service: x.name, outcome: 'inProgress', message: 'not checked', running: 0, desired: 0 });
      }
      const { service, tasks } = state;
      const c = serviceConvergence({ service, tasks, targetImage: f.image, since: f.since, rolling: f.rolling, created: f.created, elapsedMs: Date.now() - f.sentAt });
      if (last.get(f.name)?.message !== c.message && c.outcome === 'inProgress') options.onEvent?.({ kind: 'progress', service: f.name, message: c.message });
      last.set(f.name, c);
      if (c.outcome !== 'inProgress') {
        done.add(f.name);
        options.onEvent?.({ kind: 'serviceDone', service: f.name, outcome: c.outcome, message: c.message });
        if (c.outcome === 'failed') return followed.map((x) => last.get(x.name) ?? { service: x.name, outcome: 'inProgress', message: 'not checked', running: 0, desired: 0 });
      }
    }
    if (done.size === followed.length) return followed.map((x) => last.get(x.name)!);
    if (Date.now() > deadline) {
      const pending = followed.filter((f) => !done.has(f.name)).map((f) => `${f.name} (${last.get(f.name)?.message ?? 'no answer'})`);
      return followed.map((x) =>
        done.has(x.name) ? last.get(x.name)! : { ...(last.get(x.name) ?? { service: x.name, running: 0, desired: 0 }), outcome: 'failed', message: `${x.name} did not converge in time: ${pending.join(', ')}` },
      );
    }
    await delay(options.pollMs ?? 500, options.signal);
  }
}

/** Applies a prepared deploy (after the production guard), follows it to the end, and records the release. */
export async function applyStackDeploy(deps: Pick<StackDeployDeps, 'cluster' | 'files'>, prepared: PreparedStackDeploy, options: StackApplyOptions): Promise<StackDeployResult> {
  const { plan } = prepared;
  assertStackConfirmed(plan, options.confirmation);
  if (planChangesNothing(plan) && !plan.forced) {
    const app = prepared.source.app ? tryParseImageRef(plan.services.find((s) => s.name === `${plan.stack}_${prepared.source.app}`)?.to) : undefined;
    const runs = app ? `${versionOf(app)}${app.digest ? ` (${shortDigest(app.digest)})` : ''}` : prepared.version;
    return { outcome: 'unchanged', plan, version: prepared.version, services: [], remedies: [], message: `Stack ${plan.stack} on ${plan.cluster.name} already runs ${runs} as the files say; nothing to do` };
  }
  const steps = stackSteps(plan);
  // Every secret and config file is read (and checked against the plan) before anything changes.
  const contents = await plannedContents(deps.files, steps);
  // Recorded before anything is sent, as under way: a deploy whose process or engine dies leaves a record that says
  // its outcome is unknown, never one claiming success, and never a cluster running what no release mentions.
  const record = await recordRelease(deps.cluster, prepared, options, underwayOutcome());
  const release = record.number;
  let services: ServiceConvergence[];
  try {
    services = await sendAndFollow(deps, prepared, steps, contents, options);
  } catch (e) {
    throw await settleInterrupted(deps.cluster, record, plan, e);
  }
  const failed = services.find((s) => s.outcome === 'failed');
  try {
    await settleRelease(deps.cluster, record, failed ? { converged: false, message: failed.message } : { converged: true, message: 'converged' });
  } catch (e) {
    // The deploy ended, but the engine went away before its record could say how: the record says unknown.
    if (SlipwayError.is(e, 'unreachable')) throw lostEngineError(record, plan, e, failed ? `it failed (${failed.message})` : 'it converged');
    throw e;
  }
  const message = failed ? failed.message : `Stack ${plan.stack} on ${plan.cluster.name} converged: ${prepared.version}, release #${release}`;
  const remedies: Remedy[] = failed ? [{ action: 'rollback', cluster: plan.cluster.name }, { action: 'releases', cluster: plan.cluster.name }] : [];
  return { outcome: failed ? 'failed' : 'converged', plan, version: prepared.version, release, services, message, remedies };
}

/** Sends the plan's steps (networks first, then service by service) and follows every changed service to its end. */
async function sendAndFollow(
  deps: Pick<StackDeployDeps, 'cluster' | 'files'>,
  prepared: PreparedStackDeploy,
  steps: readonly StackStep[],
  contents: ReadonlyMap<string, FileContent>,
  options: StackApplyOptions,
): Promise<ServiceConvergence[]> {
  const { plan } = prepared;
  const followed: Followed[] = [];
  const afterConvergence: Extract<StackStep, { kind: 'removeObject' }>[] = [];
  const byName = new Map(plan.services.map((s) => [s.name, s] as const));
  for (const step of steps) {
    if (options.signal?.aborted) throw cancelledError(`The deploy of ${plan.stack}`);
    if (step.kind === 'removeObject') {
      afterConvergence.push(step);
      continue;
    }
    options.onEvent?.({ kind: 'step', text: describeStep(step) });
    switch (step.kind) {
      case 'createNetwork':
        await deps.cluster.createNetwork(step.spec);
        break;
      case 'createSecret': {
        const content = contents.get(`secret ${step.object.name}`)!;
        await deps.cluster.createSecret(step.object.name, content.bytes, { ...step.object.labels, [CONTENT_LABEL]: content.sha256 });
        break;
      }
      case 'createConfig': {
        const content = contents.get(`config ${step.object.name}`)!;
        await deps.cluster.createConfig(step.object.name, content.bytes, { ...step.object.labels, [CONTENT_LABEL]: content.sha256 });
        break;
      }
      case 'createService':
        await deps.cluster.createService(step.spec);
        followed.push({ sentAt: Date.now(), name: step.spec.Name, image: step.spec.TaskTemplate.ContainerSpec.Image, since: '', created: true, rolling: false });
        break;
      case 'updateService': {
        const since = await deps.cluster.updateService(step.spec, step.force);
        const changes = byName.get(step.spec.Name)?.changes ?? [];
        followed.push({ sentAt: Date.now(), name: step.spec.Name, image: step.spec.TaskTemplate.ContainerSpec.Image, since, created: false, rolling: needsRollout(changes, step.force) });
        break;
      }
      case 'removeService':
        await deps.cluster.removeService(step.name);
        break;
    }
  }
  const services = await followConvergence(deps.cluster, plan.stack, followed, options);
  const failed = services.find((s) => s.outcome === 'failed');
  // Like `docker stack deploy --prune`, but only once nothing uses them: a failed deploy may roll back onto them.
  if (!failed) {
    for (const r of afterConvergence) {
      if (options.signal?.aborted) throw cancelledError(`The deploy of ${plan.stack}`);
      options.onEvent?.({ kind: 'step', text: describeStep(r) });
      await deps.cluster.removeObject(r.object, r.name);
    }
  }
  return services;
}

/** Replaces the under-way record with how the deploy ended (records are Swarm configs: immutable, so remove and write). */
async function settleRelease(cluster: StackClusterPort, record: ReleaseRecord, outcome: NonNullable<ReleaseRecord['outcome']>): Promise<void> {
  await cluster.removeRelease(record.stack, record.number);
  if (!(await cluster.writeRelease({ ...record, outcome }))) {
    throw new SlipwayError('docker', `Could not settle release #${record.number} of ${record.stack} on ${record.cluster}: another deploy took its number`, { remedies: [{ action: 'releases', cluster: record.cluster }] });
  }
}

/**
 * The deploy stopped before it ended (engine lost, cancelled, an error from the engine). A lost engine cannot be told:
 * its record keeps saying the outcome is unknown, and so does the error. Otherwise the record says what happened.
 */
async function settleInterrupted(cluster: StackClusterPort, record: ReleaseRecord, plan: StackPlan, error: unknown): Promise<unknown> {
  if (SlipwayError.is(error, 'unreachable')) return lostEngineError(record, plan, error);
  const outcome = isCancellation(error)
    ? { converged: false, unknown: true, message: 'cancelled while it ran: Swarm carries on with what was sent' }
    : { converged: false, message: toSlipwayError(error).message };
  await settleRelease(cluster, record, outcome).catch(() => undefined);
  return error;
}

/** The cluster's engine went away during a deploy: what is known of its outcome, and that its release says unknown. */
function lostEngineError(record: ReleaseRecord, plan: StackPlan, error: SlipwayError, ended?: string): SlipwayError {
  const engine = plan.cluster.host ?? (plan.cluster.context ? `context ${plan.cluster.context}` : 'its engine');
  const reason = errnoCode(error) ?? error.message;
  const what = `Lost the Docker engine of cluster "${plan.cluster.name}" (${engine}) during the deploy of ${plan.stack} ${record.version} (${reason})`;
  return new SlipwayError('unreachable', ended ? `${what}: ${ended}, but the engine was lost before release #${record.number} could record that` : `${what}: its outcome is unknown, and release #${record.number} says so`, {
    hint: 'When the engine answers again, look at what the stack runs and at its releases; deploy again or roll back',
    remedies: [{ action: 'releases', cluster: plan.cluster.name }, { action: 'rollback', cluster: plan.cluster.name }, { action: 'doctor' }],
    cause: error,
    details: { cluster: plan.cluster.name, stack: plan.stack, release: record.number, ...(plan.cluster.host ? { engine: plan.cluster.host } : {}) },
  });
}

/** The system error code (ECONNREFUSED, ECONNRESET…) under a chain of causes, if any. */
function errnoCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * The contents of the secrets and configs to create (by `kind name`), refused when a file changed since the plan
 * named its object for its content.
 */
async function plannedContents(files: StackFilesPort, steps: readonly StackStep[]): Promise<Map<string, FileContent>> {
  const contents = new Map<string, FileContent>();
  for (const step of steps) {
    if (step.kind !== 'createSecret' && step.kind !== 'createConfig') continue;
    const { object } = step;
    const kind = step.kind === 'createSecret' ? 'secret' : 'config';
    if (object.file === undefined) throw new SlipwayError('internal', `The ${kind} ${object.name} has no file to create it from`);
    const content = await files.content(object.file);
    if (content.sha256 !== object.sha256) {
      throw new SlipwayError('config', `${object.file} changed after the deploy was planned (the ${kind} ${object.name} was named for its content then)`, {
        hint: 'Plan the deploy again: the plan names secrets and configs by their content',
        details: { file: object.file, [kind]: object.name },
      });
    }
    contents.set(`${kind} ${object.name}`, content);
  }
  return contents;
}

/** Writes the release record (retrying the number when another deploy took it) and prunes old records. */
async function recordRelease(cluster: StackClusterPort, prepared: PreparedStackDeploy, options: StackApplyOptions, outcome: ReleaseRecord['outcome']): Promise<ReleaseRecord> {
  const { plan } = prepared;
  const { desired } = plan;
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await cluster.releases(desired.stack);
    const number = nextReleaseNumber(existing.map((r) => r.number));
    const record = releaseRecord(prepared, options, number, outcome);
    if (await cluster.writeRelease(record)) {
      for (const n of releasesToPrune([...existing.map((r) => r.number), number])) await cluster.removeRelease(desired.stack, n);
      return record;
    }
  }
  throw new SlipwayError('docker', `Could not record the release of ${desired.stack} on ${plan.cluster.name}: other deploys kept taking the number`, { remedies: [{ action: 'retry' }] });
}

function releaseRecord(prepared: PreparedStackDeploy, options: StackApplyOptions, number: number, outcome: ReleaseRecord['outcome']): ReleaseRecord {
  const { plan } = prepared;
  const { desired } = plan;
  return {
    format: 1,
    stack: desired.stack,
    cluster: plan.cluster.name,
    number,
    version: prepared.version,
    ...(options.commit ? { commit: options.commit } : {}),
    who: options.who,
    when: (options.now?.() ?? new Date()).toISOString(),
    trigger: options.trigger,
    ...(options.reason ? { reason: options.reason } : {}),
    ...(prepared.origin?.rollbackOf !== undefined ? { rollbackOf: prepared.origin.rollbackOf } : {}),
    ...(prepared.origin?.promotedFrom ? { promotedFrom: prepared.origin.promotedFrom } : {}),
    files: [...prepared.source.files],
    services: desired.services.map((s) => ({ key: s.key, name: s.spec.Name, image: s.spec.TaskTemplate.ContainerSpec.Image, spec: s.spec })),
    networks: desired.networks.map((n) => n.spec),
    ...releaseFileObjects(desired),
    ...(outcome ? { outcome } : {}),
    ...(prepared.source.onPush ? { onPush: prepared.source.onPush } : {}),
  };
}

/** The version the stack's app runs now (its newest release, else its image tag): `deploy` without VERSION. */
export async function runningAppVersion(deps: Pick<StackDeployDeps, 'cluster'>, source: StackSource): Promise<string> {
  const records = await deps.cluster.releases(source.stack);
  const newest = [...records].reverse().find((r) => r.outcome?.converged !== false);
  if (newest) return newest.version;
  const running = await deps.cluster.running(source.stack);
  const app = running.services.find((s) => s.name === `${source.stack}_${source.app ?? ''}`);
  const image = app ? tryParseImageRef((app.spec as { TaskTemplate?: { ContainerSpec?: { Image?: string } } }).TaskTemplate?.ContainerSpec?.Image) : undefined;
  if (image?.tag) return image.tag;
  throw new SlipwayError('usage', `Stack ${source.stack} does not run on cluster "${deps.cluster.cluster.name}" yet: name the VERSION to deploy`, { details: { stack: source.stack, cluster: deps.cluster.cluster.name } });
}
