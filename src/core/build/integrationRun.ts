import type { IntegrationConfig } from '../config/model';
import { SlipwayError, isCancellation, toSlipwayError } from '../errors';
import type { RunEvents } from '../run/events';
import { LineSplitter } from '../run/lines';
import { RunReporter } from '../run/reporter';
import type { Verdict } from './buildRun';
import type { ComposeModel } from './composeModel';
import { environmentOf, loadEnvironmentTemplate, runTestService, startEnvironment, stopEnvironment, type EnvironmentIo } from './environment';
import { composeProjectName, type RunOwner } from './labels';
import type { ComposePort, FilesPort, OutputSink, PortAllocatorPort } from './ports';

export interface IntegrationInput {
  readonly runId: string;
  readonly workspaceDir: string;
  readonly config: IntegrationConfig | undefined;
  /** Environments to run at once (`--parallel N`, the setting); defaults to the config's `parallel`. */
  readonly parallel?: number;
  /** The packaged image and version handed to compose as SLIPWAY_IMAGE / SLIPWAY_VERSION. */
  readonly image?: string;
  readonly version?: string;
  readonly owner: RunOwner;
  readonly resolvePath: (dir: string, relative: string) => string;
  /** Poll interval while waiting for readiness (tests shorten it). */
  readonly pollMs?: number;
}

export interface EnvironmentResult {
  readonly index: number;
  readonly projectName: string;
  readonly testService: string;
  readonly verdict: Verdict;
  /** The test service's exit code; undefined when it never ran. */
  readonly exitCode?: number;
  /** The test service's output (stdout and stderr as they arrived). */
  readonly output: string;
  readonly durationMs: number;
  /** Why the environment failed when it was not the test's verdict (readiness, compose error, timeout). */
  readonly error?: { readonly kind: string; readonly message: string; readonly hint?: string };
  readonly ports: Readonly<Record<string, number>>;
}

export interface IntegrationResult {
  readonly runId: string;
  readonly verdict: Verdict;
  readonly exitCode: number;
  readonly environments: readonly EnvironmentResult[];
  readonly durationMs: number;
  readonly message?: string;
}

export function requireIntegrationConfig(config: IntegrationConfig | undefined): IntegrationConfig {
  if (!config) {
    throw new SlipwayError('config', 'slipway.yml has no integration section', {
      hint: 'Add integration: { compose: docker-compose.test.yml, test: <test service> } to slipway.yml',
    });
  }
  return config;
}

export function environmentStage(index: number, count: number): string {
  return count === 1 ? 'integration' : `integration #${index}`;
}

export function parallelCount(requested: number | undefined, configured: number): number {
  const n = requested ?? configured ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > 32) {
    throw new SlipwayError('usage', `--parallel must be a whole number from 1 to 32, not ${String(n)}`);
  }
  return n;
}

/** One line summarising why an environment failed, for stage messages and the CLI. */
export function environmentMessage(r: EnvironmentResult): string | undefined {
  if (r.error) return r.error.message;
  if (r.verdict === 'failed') return `${r.testService} exited with code ${r.exitCode ?? '?'}`;
  return undefined;
}

/** Compose's messages for a host port somebody else holds, turned into a clear cause. */
export function explainComposeFailure(stderr: string): { message: string; hint: string } | undefined {
  const port = /(?:Bind for |listen tcp4? )?(?:[\d.]+|\[::\]):(\d+)(?: failed: port is already allocated|: bind: address already in use)/.exec(stderr);
  if (port) {
    return {
      message: `Host port ${port[1]} is already in use, so the compose environment could not start`,
      hint: 'Stop whatever holds the port, or publish a variable port in the compose file (e.g. "127.0.0.1:${APP_PORT}:3000") so Slipway picks a free one',
    };
  }
  const unhealthy = /for (\S+)\s+Container "?[0-9a-f]+"? is unhealthy/.exec(stderr);
  if (unhealthy) {
    return {
      message: `A service ${unhealthy[1]} depends on did not become healthy, so compose did not start ${unhealthy[1]}`,
      hint: 'Look at the healthcheck of the services it depends on (docker-compose logs), or raise their retries',
    };
  }
  if (/port is already allocated|address already in use/.test(stderr)) {
    return { message: 'A host port of the compose file is already in use', hint: 'Stop whatever holds it, or publish a variable port so Slipway picks a free one' };
  }
  return undefined;
}

/**
 * Integration tests: N isolated compose environments at once (own project, network and host ports), each
 * brought up, waited for, tested with the test service, and ALWAYS torn down.
 */
export async function runIntegration(
  input: IntegrationInput,
  ports: { readonly compose: ComposePort; readonly portAllocator: PortAllocatorPort; readonly files: FilesPort },
  events: RunEvents,
  signal?: AbortSignal,
): Promise<IntegrationResult> {
  const config = requireIntegrationConfig(input.config);
  const count = parallelCount(input.parallel, config.parallel);
  const template = await loadEnvironmentTemplate({ ...config, section: 'integration' }, { workspaceDir: input.workspaceDir, files: ports.files, resolvePath: input.resolvePath });
  const { model } = template;

  const reporter = new RunReporter(input.runId, events);
  const started = Date.now();
  const stages = Array.from({ length: count }, (_, i) => environmentStage(i + 1, count));
  reporter.start(`Integration tests (${count} environment${count === 1 ? '' : 's'})`, stages);

  const allPorts = await ports.portAllocator.freePorts(count * model.portVariables.length);
  const environments = await Promise.all(
    stages.map((stage, i) => {
      const envPorts: Record<string, number> = {};
      model.portVariables.forEach((v, j) => (envPorts[v] = allPorts[i * model.portVariables.length + j]!));
      return runEnvironment(i + 1, stage, envPorts);
    }),
  );

  async function runEnvironment(index: number, stage: string, envPorts: Record<string, number>): Promise<EnvironmentResult> {
    const envStarted = reporter.stageStarted(stage);
    const projectName = composeProjectName(input.runId, index);
    const env = environmentOf(template, {
      projectName,
      runId: input.runId,
      workspaceDir: input.workspaceDir,
      kind: 'integration',
      owner: input.owner,
      env: {
        ...(input.image ? { SLIPWAY_IMAGE: input.image } : {}),
        ...(input.version ? { SLIPWAY_VERSION: input.version } : {}),
        ...Object.fromEntries(Object.entries(envPorts).map(([k, v]) => [k, String(v)])),
      },
    });
    const sinkFor = (capture?: { text: string }): OutputSink => {
      const out = new LineSplitter();
      const err = new LineSplitter();
      return {
        stdout: (c) => {
          if (capture) capture.text += c;
          out.push(c).forEach((l) => reporter.log(stage, 'stdout', l));
        },
        stderr: (c) => {
          if (capture) capture.text += c;
          err.push(c).forEach((l) => reporter.log(stage, 'stderr', l));
        },
      };
    };
    const io: EnvironmentIo = { compose: ports.compose, info: (text) => reporter.log(stage, 'info', text), sink: () => sinkFor(), ...(signal ? { signal } : {}), ...(input.pollMs ? { pollMs: input.pollMs } : {}) };
    const output = { text: '' };
    let exitCode: number | undefined;
    let error: SlipwayError | undefined;
    try {
      io.info(`project ${projectName}${Object.keys(envPorts).length ? `, ports ${Object.entries(envPorts).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}`);
      await startEnvironment(template, env, io);
      exitCode = await runTestService(template, env, io, sinkFor(output));
    } catch (e) {
      error = toSlipwayError(e);
      if (SlipwayError.is(e, 'timeout') && exitCode === undefined) output.text += `\n${error.message}\n`;
    } finally {
      await stopEnvironment(env, io);
    }
    const cancelled = error !== undefined && isCancellation(error);
    const verdict: Verdict = cancelled ? 'cancelled' : error || exitCode !== 0 ? 'failed' : 'passed';
    const result: EnvironmentResult = {
      index,
      projectName,
      testService: config.test,
      verdict,
      ...(exitCode !== undefined ? { exitCode } : {}),
      output: output.text,
      durationMs: Date.now() - envStarted,
      ...(error && !cancelled ? { error: { kind: error.kind, message: error.message, ...(error.hint ? { hint: error.hint } : {}) } } : {}),
      ports: envPorts,
    };
    const message = environmentMessage(result);
    reporter.stageEnded(stage, envStarted, { result: verdict, ...(message ? { message } : {}) });
    return result;
  }

  const failed = environments.filter((e) => e.verdict === 'failed');
  const cancelled = environments.some((e) => e.verdict === 'cancelled') || signal?.aborted === true;
  const verdict: Verdict = cancelled ? 'cancelled' : failed.length > 0 ? 'failed' : 'passed';
  const message =
    verdict === 'passed'
      ? undefined
      : verdict === 'cancelled'
        ? 'Integration tests were cancelled'
        : failed.map((e) => `${environmentStage(e.index, count)}: ${environmentMessage(e)}`).join('; ');
  reporter.end(verdict, message);
  return {
    runId: input.runId,
    verdict,
    exitCode: verdict === 'passed' ? 0 : verdict === 'cancelled' ? 130 : 1,
    environments,
    durationMs: Date.now() - started,
    ...(message ? { message } : {}),
  };
}

export type { ComposeModel };
