import { runBuild, type BuildResult } from '../core/build/buildRun';
import { runIntegration, type IntegrationResult } from '../core/build/integrationRun';
import { runPackage, type PackageResult } from '../core/build/packageRun';
import { imageTag, packageVersion } from '../core/build/version';
import type { SlipwayConfig } from '../core/config/model';
import type { RunEvents } from '../core/run/events';
import { newRunId } from '../core/run/runId';
import { findCluster } from '../core/swarm/clusters';
import type { BuildEngineTarget, BuildPorts } from './ports';

/**
 * The three runs as the CLI and the editor start them: read slipway.yml, reap what dead runs left, check the
 * engine answers, then run. One place, so both faces behave the same.
 */
export interface WorkflowOptions {
  readonly workspaceDir: string;
  readonly events: RunEvents;
  readonly signal?: AbortSignal;
  /** Supplied when the caller already read slipway.yml (Build and Test reads it once). */
  readonly config?: SlipwayConfig;
  readonly runId?: string;
}

/** The engine `build.engine` names (a cluster of slipway.yml or a Docker context), if any. */
export function buildEngineOf(config: SlipwayConfig): BuildEngineTarget | undefined {
  const engine = config.build?.engine;
  if (!engine) return undefined;
  if (engine.context !== undefined) return { label: `context ${engine.context}`, context: engine.context };
  // slipway.yml's parser already refuses a cluster the file does not have (at its line); this guards other callers.
  const cluster = findCluster(config.clusters, engine.cluster ?? '');
  return { label: `cluster ${cluster.name}`, cluster };
}

/** The ports of the engine the runs use: the one `build.engine` names, else the default. */
export function portsForConfig(ports: BuildPorts, config: SlipwayConfig): BuildPorts {
  return enginePorts(ports, buildEngineOf(config));
}

function enginePorts(ports: BuildPorts, target: BuildEngineTarget | undefined): BuildPorts {
  return target ? ports.onEngine(target) : ports;
}

async function prepare(
  basePorts: BuildPorts,
  options: WorkflowOptions,
  ping = true,
): Promise<{ config: SlipwayConfig; runId: string; ports: BuildPorts; engine: BuildEngineTarget | undefined }> {
  const config = options.config ?? (await basePorts.loadConfig(options.workspaceDir));
  const engine = buildEngineOf(config);
  const ports = enginePorts(basePorts, engine);
  if (ping) await ports.ping();
  // The janitor runs beside the new run: it only touches resources of processes that are gone.
  void ports.reap().catch(() => undefined);
  return { config, runId: options.runId ?? newRunId(), ports, engine };
}

export async function buildWorkspace(basePorts: BuildPorts, options: WorkflowOptions): Promise<BuildResult> {
  // No ping: creating the container reports an unreachable engine just as clearly, and the build starts sooner.
  const { config, runId, ports, engine } = await prepare(basePorts, options, false);
  const settings = config.build?.engine;
  // An engine that cannot see the workspace gets it shipped: a bind mount would show it its own disk.
  const ship = !ports.seesWorkspace
    ? { engine: engine?.label ?? ports.endpoint.host, ...(settings?.ignore ? { ignore: settings.ignore } : {}), ...(settings?.artifacts ? { artifacts: settings.artifacts } : {}) }
    : undefined;
  return runBuild(
    {
      runId,
      workspaceDir: options.workspaceDir,
      config: config.build,
      owner: ports.owner,
      ...(ports.hostUser ? { hostUser: ports.hostUser } : {}),
      ...(ship ? { ship } : {}),
    },
    ports.builder,
    options.events,
    options.signal,
  );
}

export async function packageWorkspace(basePorts: BuildPorts, options: WorkflowOptions & { readonly version?: string }): Promise<PackageResult> {
  const { config, runId, ports } = await prepare(basePorts, options);
  return runPackage(
    {
      runId,
      workspaceDir: options.workspaceDir,
      config: config.package,
      owner: ports.owner,
      resolvePath: ports.resolvePath,
      ...(options.version !== undefined ? { versionOverride: options.version } : {}),
    },
    { images: ports.images, git: ports.git },
    options.events,
    options.signal,
  );
}

export async function testWorkspace(
  basePorts: BuildPorts,
  options: WorkflowOptions & { readonly parallel?: number; readonly image?: string; readonly version?: string },
): Promise<IntegrationResult> {
  const { config, runId, ports } = await prepare(basePorts, options);
  // Without an explicit image, the one `slipway package` would tag for this commit.
  let image = options.image;
  let version = options.version;
  if (!image && config.package) {
    version ??= packageVersion(await ports.git.tagsOnHead(options.workspaceDir)).version;
    image = imageTag(config.package.image, version);
  }
  return runIntegration(
    {
      runId,
      workspaceDir: options.workspaceDir,
      config: config.integration,
      owner: ports.owner,
      resolvePath: ports.resolvePath,
      ...(options.parallel !== undefined ? { parallel: options.parallel } : {}),
      ...(image ? { image } : {}),
      ...(version ? { version } : {}),
    },
    { compose: ports.compose, portAllocator: ports.portAllocator, files: ports.files },
    options.events,
    options.signal,
  );
}

export interface BuildAndTestResult {
  readonly build: BuildResult;
  readonly package?: PackageResult;
  readonly integration?: IntegrationResult;
}

/** Build, then package, then the integration tests with the packaged image; stops at the first run that did not pass. */
export async function buildAndTestWorkspace(
  ports: BuildPorts,
  options: WorkflowOptions & { readonly parallel?: number; readonly onBuild?: (r: BuildResult) => void; readonly onIntegration?: (r: IntegrationResult) => void },
): Promise<BuildAndTestResult> {
  const config = options.config ?? (await ports.loadConfig(options.workspaceDir));
  const common = { workspaceDir: options.workspaceDir, events: options.events, config, ...(options.signal ? { signal: options.signal } : {}) };
  const build = await buildWorkspace(ports, common);
  options.onBuild?.(build);
  if (build.verdict !== 'passed') return { build };
  const pkg = await packageWorkspace(ports, common);
  if (pkg.verdict !== 'passed') return { build, package: pkg };
  const integration = await testWorkspace(ports, { ...common, image: pkg.image, version: pkg.version, ...(options.parallel !== undefined ? { parallel: options.parallel } : {}) });
  options.onIntegration?.(integration);
  return { build, package: pkg, integration };
}

/** The run with the verdict that decides the whole: the last one that ran. */
export function lastRunOf(r: BuildAndTestResult): BuildResult | PackageResult | IntegrationResult {
  return r.integration ?? r.package ?? r.build;
}
