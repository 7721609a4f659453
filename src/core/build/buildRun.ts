import type { BuildConfig } from '../config/model';
import type { RunResult } from '../run/events';
import { SlipwayError, isCancellation, toSlipwayError } from '../errors';
import type { RunEvents } from '../run/events';
import { LineSplitter } from '../run/lines';
import { RunReporter } from '../run/reporter';
import { builderCommand, builderUser, parseMarker } from './builderScript';
import { runLabels, type RunOwner } from './labels';
import type { BuilderPort, WorkspaceShipment } from './ports';
import { COPY_BACK_STAGE, SHIP_STAGE, type ShipSettings, type TransferPhase } from './shipping';

/** How a build, package or integration run ended (the run-result model without a pause: nothing here waits for a person). */
export type Verdict = Extract<RunResult, 'passed' | 'failed' | 'cancelled'>;

export interface BuildInput {
  readonly runId: string;
  readonly workspaceDir: string;
  readonly config: BuildConfig | undefined;
  readonly hostUser?: { uid: number; gid: number };
  readonly owner: RunOwner;
  /** The build runs on an engine that cannot see the workspace (`build.engine`): ship it there and copy results back. */
  readonly ship?: ShipSettings & { readonly engine: string };
}

export interface StepResult {
  readonly name: string;
  readonly result: 'passed' | 'failed' | 'skipped' | 'cancelled';
  readonly exitCode?: number;
  readonly durationMs?: number;
}

export interface BuildResult {
  readonly runId: string;
  readonly verdict: Verdict;
  /** The builder container's exit code (0 passed; the failing step's code; 130 cancelled). */
  readonly exitCode: number;
  readonly steps: readonly StepResult[];
  readonly durationMs: number;
  readonly message?: string;
}

export function requireBuildConfig(config: BuildConfig | undefined): BuildConfig {
  if (!config) {
    throw new SlipwayError('config', 'slipway.yml has no build section', {
      hint: 'Add build: { image: <builder image>, steps: [...] } to slipway.yml',
    });
  }
  if (config.steps.length === 0) {
    throw new SlipwayError('config', 'slipway.yml build.steps is empty', { hint: 'List at least one step under build.steps' });
  }
  return config;
}

export function stageNameOfStep(index: number, name: string): string {
  return `build: ${name || `step ${index + 1}`}`;
}

/**
 * Runs the build steps in one builder container over the workspace. Stage per step; the exit code of the first
 * failing step is the verdict. Errors that prevent the build (bad config, missing image, unreachable engine)
 * are thrown as SlipwayErrors after the run-ended event.
 */
export async function runBuild(input: BuildInput, builder: BuilderPort, events: RunEvents, signal?: AbortSignal): Promise<BuildResult> {
  const reporter = new RunReporter(input.runId, events);
  const started = Date.now();
  const config = requireBuildConfig(input.config);
  const stages = config.steps.map((s, i) => stageNameOfStep(i, s.name));
  const transferStage = { ship: SHIP_STAGE, copyBack: COPY_BACK_STAGE } as const;
  reporter.start(
    input.ship ? `Build ${input.workspaceDir} on ${input.ship.engine}` : `Build ${input.workspaceDir}`,
    input.ship ? [SHIP_STAGE, ...stages, COPY_BACK_STAGE] : stages,
  );
  // A shipped build's two transfer stages, around the steps.
  const transfers = new Map<TransferPhase, { startedAt?: number; ended?: boolean }>([['ship', {}], ['copyBack', {}]]);
  let transferring: TransferPhase | undefined;
  const shipment: WorkspaceShipment | undefined = input.ship && {
    ...(input.ship.ignore ? { ignore: input.ship.ignore } : {}),
    ...(input.ship.artifacts ? { artifacts: input.ship.artifacts } : {}),
    started: (phase) => {
      transferring = phase;
      transfers.get(phase)!.startedAt = reporter.stageStarted(transferStage[phase]);
    },
    ended: (phase) => {
      const t = transfers.get(phase)!;
      if (t.startedAt === undefined || t.ended) return;
      t.ended = true;
      transferring = undefined;
      reporter.stageEnded(transferStage[phase], t.startedAt, { result: 'passed' });
    },
    log: (line) => reporter.log(transferStage[transferring ?? 'ship'], 'info', line),
  };

  const nonce = input.runId;
  const steps: { name: string; result: StepResult['result']; exitCode?: number; durationMs?: number; startedAt?: number }[] = config.steps.map((s) => ({
    name: s.name,
    result: 'skipped',
  }));
  let current = -1;
  const endStep = (i: number, result: StepResult['result'], exitCode: number | undefined, message?: string): void => {
    const step = steps[i]!;
    if (step.startedAt === undefined) return;
    step.result = result;
    if (exitCode !== undefined) step.exitCode = exitCode;
    step.durationMs = Date.now() - step.startedAt;
    reporter.stageEnded(stages[i]!, step.startedAt, { result, ...(message ? { message } : {}) });
    if (current === i) current = -1;
  };
  const onLine = (stream: 'stdout' | 'stderr', line: string): void => {
    const marker = stream === 'stdout' ? parseMarker(line, nonce) : undefined;
    if (!marker) {
      reporter.log(current >= 0 ? stages[current]! : stages[0]!, stream, line);
      return;
    }
    if (marker.kind === 'start' && marker.step < steps.length) {
      current = marker.step;
      steps[current]!.startedAt = reporter.stageStarted(stages[current]!);
    } else if (marker.kind === 'end' && marker.step < steps.length) {
      endStep(marker.step, marker.exitCode === 0 ? 'passed' : 'failed', marker.exitCode, marker.exitCode === 0 ? undefined : `exit code ${marker.exitCode}`);
    }
  };
  const out = new LineSplitter();
  const err = new LineSplitter();

  let exitCode: number;
  let error: SlipwayError | undefined;
  try {
    const r = await builder.runContainer(
      {
        name: `slipway_build_${input.runId}`,
        image: config.image,
        command: builderCommand(config.steps, nonce),
        workdir: config.workdir || '/src',
        env: { HOME: '/tmp', ...config.env },
        workspaceDir: input.workspaceDir,
        user: builderUser(config.user, input.hostUser),
        labels: runLabels(input.runId, input.workspaceDir, 'build', input.owner),
        ...(shipment ? { ship: shipment } : {}),
      },
      {
        stdout: (c) => out.push(c).forEach((l) => onLine('stdout', l)),
        stderr: (c) => err.push(c).forEach((l) => onLine('stderr', l)),
      },
      signal,
    );
    exitCode = r.exitCode;
  } catch (e) {
    error = toSlipwayError(e);
    exitCode = isCancellation(e) ? 130 : 1;
  }
  out.flush().forEach((l) => onLine('stdout', l));
  err.flush().forEach((l) => onLine('stderr', l));

  const cancelled = error !== undefined && isCancellation(error);
  if (current >= 0) endStep(current, cancelled ? 'cancelled' : 'failed', cancelled ? undefined : exitCode, error?.userMessage);
  for (const [phase, t] of transfers) {
    if (!shipment) break;
    if (t.startedAt !== undefined && !t.ended) {
      t.ended = true;
      reporter.stageEnded(transferStage[phase], t.startedAt, { result: cancelled ? 'cancelled' : 'failed', ...(error ? { message: error.userMessage } : {}) });
    } else if (t.startedAt === undefined) {
      reporter.skipped(transferStage[phase]);
    }
  }
  // A container that ended with a non-zero code outside any step (e.g. `sh` missing in the image).
  if (!error && exitCode !== 0 && steps.every((s) => s.result !== 'failed')) {
    error = new SlipwayError('docker', `The builder container exited with code ${exitCode} before the steps ran`, {
      hint: `Check that ${config.image} has a POSIX shell (sh) on its PATH`,
    });
  }
  for (let i = 0; i < steps.length; i++) {
    if (steps[i]!.startedAt === undefined) reporter.skipped(stages[i]!);
  }
  const verdict: Verdict = cancelled ? 'cancelled' : error || exitCode !== 0 ? 'failed' : 'passed';
  const failedStep = steps.find((s) => s.result === 'failed');
  const message = error?.userMessage ?? (failedStep ? `Step ${failedStep.name} failed with exit code ${failedStep.exitCode}` : undefined);
  reporter.end(verdict, message);
  if (error && !cancelled) throw error;
  return {
    runId: input.runId,
    verdict,
    exitCode,
    steps: steps.map(({ name, result, exitCode: code, durationMs }) => ({ name, result, ...(code !== undefined ? { exitCode: code } : {}), ...(durationMs !== undefined ? { durationMs } : {}) })),
    durationMs: Date.now() - started,
    ...(message ? { message } : {}),
  };
}
