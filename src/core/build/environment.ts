/**
 * The one environment starter: a compose file's test environment brought up, waited for, its test service run, and
 * torn down. Integration tests, the pipeline's staging and functional tests, and the readiness and production tests
 * against a cluster all start their environments here, over the ComposePort, so they wait the same way (compose's
 * own health gate when the file has one) and carry the same labels (the janitor finds whatever a dead process left).
 */
import { SlipwayError } from '../errors';
import { delay, throwIfAborted } from '../run/cancellation';
import { composeGatesOnHealth, composeVersion, labelOverride, parseComposeModel, readinessService, type ComposeModel } from './composeModel';
import { runLabels, type ResourceKind, type RunOwner } from './labels';
import type { ComposeEnvironment, ComposePort, FilesPort, OutputSink } from './ports';
import { probeHost, readinessOf } from './readiness';

/** A compose file read and checked for one kind of test environment. */
export interface EnvironmentTemplate {
  /** The file as slipway.yml names it (for messages) and its absolute path. */
  readonly compose: string;
  readonly composeFile: string;
  readonly text: string;
  readonly model: ComposeModel;
  readonly test: string;
  /** The service to wait for before the test runs; undefined when the test runs alone (against a deployed service). */
  readonly app: string | undefined;
  /** Compose holds the test back until the app is healthy: one `up TEST`, then follow the test container. */
  readonly gated: boolean;
  readonly readyTimeoutMs: number;
  readonly testTimeoutMs: number;
}

export interface TemplateSpec {
  readonly compose: string;
  readonly test: string;
  readonly app?: string;
  /** The slipway.yml section that names the file (`integration`, `deploy.readiness`…), for hints. */
  readonly section: string;
  readonly readyTimeoutSeconds: number;
  readonly testTimeoutSeconds: number;
  /** Run the test service alone (`--no-deps`): it tests a service deployed elsewhere. */
  readonly standalone?: boolean;
}

export async function loadEnvironmentTemplate(
  spec: TemplateSpec,
  where: { readonly workspaceDir: string; readonly files: FilesPort; readonly resolvePath: (dir: string, relative: string) => string },
): Promise<EnvironmentTemplate> {
  const composeFile = where.resolvePath(where.workspaceDir, spec.compose);
  let text: string;
  try {
    text = await where.files.readText(composeFile);
  } catch (e) {
    throw new SlipwayError('config', `Cannot read the compose file ${spec.compose}: ${(e as Error).message}`, {
      remedies: [{ action: 'openConfig' }],
      cause: e,
    });
  }
  const model = parseComposeModel(text, spec.compose);
  const found = readinessService(model, spec.test, spec.app, spec.compose, spec.section);
  const app = spec.standalone ? undefined : found;
  return {
    compose: spec.compose,
    composeFile,
    text,
    model,
    test: spec.test,
    app,
    gated: composeGatesOnHealth(model, spec.test, app),
    readyTimeoutMs: spec.readyTimeoutSeconds * 1000,
    testTimeoutMs: spec.testTimeoutSeconds * 1000,
  };
}

/** One isolated instance of a template: its project name, labels, variables (image, version, host ports). */
export function environmentOf(
  template: EnvironmentTemplate,
  instance: {
    readonly projectName: string;
    readonly runId: string;
    readonly workspaceDir: string;
    readonly kind: ResourceKind;
    readonly owner: RunOwner;
    readonly env: Readonly<Record<string, string>>;
  },
): ComposeEnvironment {
  const labels = runLabels(instance.runId, instance.workspaceDir, instance.kind, instance.owner);
  return {
    projectName: instance.projectName,
    workspaceDir: instance.workspaceDir,
    composeFile: template.composeFile,
    env: instance.env,
    labels,
    labelOverride: labelOverride(template.model, labels, composeVersion(template.text) ?? '3.8'),
    ...(template.app === undefined ? { noDeps: true } : {}),
    ...(template.model.binds?.length ? { binds: template.model.binds } : {}),
    composeVersion: composeVersion(template.text) ?? '3.8',
  };
}

export interface EnvironmentIo {
  readonly compose: ComposePort;
  /** Progress in plain words ("waiting: app is starting"). */
  readonly info: (text: string) => void;
  /** Where compose's own output goes. */
  readonly sink: () => OutputSink;
  readonly signal?: AbortSignal;
  readonly pollMs?: number;
}

/** Brings the environment up and waits until the app is ready (healthy, or answering on its published ports). */
export async function startEnvironment(template: EnvironmentTemplate, env: ComposeEnvironment, io: EnvironmentIo): Promise<void> {
  const { app } = template;
  if (template.gated) {
    // Compose starts the test only once the app is healthy: one `up` for everything; the test is followed later.
    io.info(`starting ${template.test} once ${app} is healthy (depends_on condition: service_healthy)`);
    await io.compose.up(env, [template.test], io.sink(), io.signal);
  } else {
    const services = app ? [app] : [];
    if (services.length > 0) {
      io.info(`starting ${services.join(', ')} and their dependencies`);
      await io.compose.up(env, services, io.sink(), io.signal);
    }
  }
  if (app) await waitReady(template, env, app, io);
}

/** Runs (or, when compose started it, follows) the test service to its end; resolves with its exit code. */
export async function runTestService(template: EnvironmentTemplate, env: ComposeEnvironment, io: EnvironmentIo, output: OutputSink): Promise<number> {
  io.info(`running ${template.test}`);
  const run = template.gated ? io.compose.followService : io.compose.runService;
  return (await run.call(io.compose, env, template.test, output, template.testTimeoutMs, io.signal)).exitCode;
}

/** Removes everything of the environment; never throws. */
export async function stopEnvironment(env: ComposeEnvironment, io: EnvironmentIo): Promise<void> {
  io.info(`tearing down ${env.projectName}`);
  await io.compose.down(env, io.sink());
}

async function waitReady(template: EnvironmentTemplate, env: ComposeEnvironment, service: string, io: EnvironmentIo): Promise<void> {
  const deadline = Date.now() + template.readyTimeoutMs;
  let last = '';
  for (;;) {
    throwIfAborted(io.signal, 'Waiting for readiness');
    const v = readinessOf(service, await io.compose.serviceState(env, service));
    if (v.state === 'ready') return io.info(v.how);
    if (v.state === 'failed') throw new SlipwayError('testFailed', v.why, { hint: `Look at the log of ${service} above; it runs with docker-compose -f ${template.compose} up ${service}` });
    if (v.checkPorts) {
      const answers = await Promise.all(v.checkPorts.map((p) => io.compose.portAnswers(probeHost(p.host), p.port)));
      if (answers.every(Boolean)) return io.info(`${service} answers on port ${v.checkPorts.map((p) => p.port).join(', ')}`);
    }
    if (v.why !== last) io.info(`waiting: ${v.why}`);
    last = v.why;
    if (Date.now() >= deadline) {
      throw new SlipwayError('timeout', `${service} was not ready within ${Math.round(template.readyTimeoutMs / 1000)} s: ${v.why}`, {
        hint: 'Raise integration.readyTimeoutSeconds in slipway.yml, or check the service healthcheck',
        remedies: [{ action: 'openConfig' }],
      });
    }
    await delay(io.pollMs ?? 250, io.signal);
  }
}
