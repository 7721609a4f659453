import type { SlipwayConfig } from '../../core/config/model';
import { SlipwayError } from '../../core/errors';
import {
  APPROVAL_STAGE,
  formatEvent,
  formatRunLog,
  pipelineStages,
  resolveMode,
  resumeArtifacts,
  runPipeline,
  selectStages,
  stageIndex,
  toRecord,
  type PipelineListener,
  type PipelineMode,
  type PipelineRunView,
  type RunHistoryStore,
  type StageId,
} from '../../core/pipeline';
import type { Remedy } from '../../core/remedies';
import { ownerOf } from '../../core/build/labels';
import { newRunId } from '../../core/run/runId';
import type { PipelinePorts } from '../ports';
import { createPipelineExecutors } from './executors';
import { preflight, type PreflightFiles } from './preflight';
import { pipelineToolkit } from './tools';
import { portsForConfig } from '../build';
import type { PipelineToolkit } from './toolkit';

export interface PipelineRequest {
  readonly workspaceDir: string;
  readonly from?: string;
  readonly to?: string;
  readonly mode?: string;
  /** Approve the production deploy up front. */
  readonly yes?: boolean;
  readonly signal: AbortSignal;
  readonly onEvent?: PipelineListener;
  /** Called once the run id and stages are known, before the first stage runs. */
  readonly onStart?: (info: { runId: string; mode: PipelineMode; stages: readonly StageId[]; selected: readonly StageId[]; branch: string; version: string; commit: string }) => void;
  readonly config?: SlipwayConfig;
  readonly runId?: string;
}

/** The stage tools and the run history a pipeline runs with: the real ones from the ports, or fakes in unit tests. */
export interface PipelineDependencies {
  readonly toolkit: PipelineToolkit;
  readonly history: (workspaceDir: string) => Promise<RunHistoryStore>;
  readonly loadConfig: (workspaceDir: string) => Promise<SlipwayConfig>;
  /** `<hostname>:<pid>` of this process, kept in the record while the run goes (so a dead run shows as interrupted). */
  readonly owner?: string;
  /** The janitor: removes what runs of dead processes left on the engines this pipeline uses. */
  readonly reap?: (config: SlipwayConfig) => Promise<void>;
  /** Reads the compose and stack files the stages name, for the preflight. */
  readonly files: PreflightFiles;
}

export function pipelineDependencies(ports: PipelinePorts): PipelineDependencies {
  return {
    toolkit: pipelineToolkit(ports),
    history: ports.history,
    loadConfig: ports.build.loadConfig,
    files: { files: ports.build.files, resolvePath: ports.build.resolvePath },
    owner: ownerOf(ports.build.owner),
    reap: async (config) => {
      await Promise.all([portsForConfig(ports.build, config).reap(), ...config.clusters.map((c) => ports.reapOn(c))].map((p) => p.catch(() => undefined)));
    },
  };
}

/** Rolling production back by hand, when slipway.yml names the production cluster and the service. */
function productionRollbackRemedy(config: SlipwayConfig): { productionRollbackRemedy?: Remedy } {
  const production = config.clusters.find((c) => c.role === 'production');
  const service = config.deploy?.service;
  return production && service ? { productionRollbackRemedy: { action: 'rollback', cluster: production.name, service } } : {};
}

/**
 * One pipeline run end to end, for the CLI and the editor alike: read slipway.yml, pick the stages, resume the
 * artifacts a later stage needs, run, record the run in the history, tear down what the run left up.
 */
export async function runPipelineFor(deps: PipelineDependencies, request: PipelineRequest): Promise<PipelineRunView> {
  const config = request.config ?? (await deps.loadConfig(request.workspaceDir));
  const stages = pipelineStages(config.pipeline);
  const { selected } = selectStages(stages, { from: request.from, to: request.to });
  const mode = resolveMode(config.pipeline, request.mode);
  await preflight(config, selected, request.workspaceDir, deps.files);
  const toolkit = deps.toolkit;
  const history = await deps.history(request.workspaceDir);
  const ws = await toolkit.describeWorkspace(request.workspaceDir, request.signal);
  const runId = request.runId ?? newRunId();

  // A run that starts after the build ships what an earlier run on this commit built and pushed.
  const startsAfterBuild = stageIndex(selected[0]!) > stageIndex('build');
  const artifacts = startsAfterBuild ? resumeArtifacts(await history.recent({ branch: ws.branch, limit: 200 }), ws.branch, ws.commit) : undefined;
  if (startsAfterBuild && selected[0] === APPROVAL_STAGE && !artifacts && !config.deploy?.registry) {
    throw new SlipwayError('notFound', `No earlier run on ${ws.branch} at ${ws.commit.slice(0, 7)} built an image to deploy`, {
      hint: 'Run the whole pipeline first; it pauses before production',
      remedies: [{ action: 'runPipeline' }],
    });
  }

  // What a killed run left (a compose network of its readiness tests…) goes before this run starts its own.
  await deps.reap?.(config);
  request.onStart?.({ runId, mode, stages, selected, branch: ws.branch, version: ws.version, commit: ws.commit });
  const set = createPipelineExecutors(toolkit);
  // The log is written as the run goes (a killed process keeps what it printed); the finished run's log replaces it.
  const live = await history.openLog(runId).catch(() => undefined);
  const onEvent: PipelineListener = (event) => {
    live?.write(formatEvent(event, stages));
    if (event.type === 'stageEnded' || event.type === 'runEnded') void live?.flush();
    request.onEvent?.(event);
  };
  let view: PipelineRunView;
  try {
    view = await runPipeline({
      runId,
      workspaceDir: request.workspaceDir,
      config,
      branch: ws.branch,
      commit: ws.commit,
      version: artifacts?.version ?? ws.version,
      mode,
      stages,
      selected,
      approved: request.yes === true,
      executors: set.executors,
      rollback: set.rollback,
      ...productionRollbackRemedy(config),
      artifacts,
      signal: request.signal,
      onEvent,
      onCheckpoint: (live) => history.append(toRecord(live, deps.owner)),
    });
  } finally {
    await set.cleanup().catch(() => undefined);
    await live?.close();
  }
  await history.append(toRecord(view));
  await history.saveLog(view.runId, formatRunLog(view)).catch(() => undefined); // a log that cannot be kept must not fail the run
  return view;
}
