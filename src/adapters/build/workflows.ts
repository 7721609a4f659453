import { runBuild, type BuildResult } from '../../core/build/buildRun';
import { runIntegration, type IntegrationResult } from '../../core/build/integrationRun';
import { runPackage, type PackageResult } from '../../core/build/packageRun';
import { imageTag, packageVersion } from '../../core/build/version';
import type { SlipwayConfig } from '../../core/config/model';
import type { RunEvents } from '../../core/run/events';
import { newRunId } from '../../core/run/runId';
import { loadSlipwayConfig } from '../config';
import type { BuildAdapters } from './index';

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

async function prepare(adapters: BuildAdapters, options: WorkflowOptions, ping = true): Promise<{ config: SlipwayConfig; runId: string }> {
  const config = options.config ?? (await loadSlipwayConfig(options.workspaceDir));
  if (ping) await adapters.ping();
  // The janitor runs beside the new run: it only touches resources of processes that are gone.
  void adapters.reap().catch(() => undefined);
  return { config, runId: options.runId ?? newRunId() };
}

export async function buildWorkspace(adapters: BuildAdapters, options: WorkflowOptions): Promise<BuildResult> {
  // No ping: creating the container reports an unreachable engine just as clearly, and the build starts sooner.
  const { config, runId } = await prepare(adapters, options, false);
  return runBuild(
    { runId, workspaceDir: options.workspaceDir, config: config.build, owner: adapters.owner, ...(adapters.hostUser ? { hostUser: adapters.hostUser } : {}) },
    adapters.builder,
    options.events,
    options.signal,
  );
}

export async function packageWorkspace(adapters: BuildAdapters, options: WorkflowOptions & { readonly version?: string }): Promise<PackageResult> {
  const { config, runId } = await prepare(adapters, options);
  return runPackage(
    {
      runId,
      workspaceDir: options.workspaceDir,
      config: config.package,
      owner: adapters.owner,
      resolvePath: adapters.resolvePath,
      ...(options.version !== undefined ? { versionOverride: options.version } : {}),
    },
    { images: adapters.images, git: adapters.git },
    options.events,
    options.signal,
  );
}

export async function testWorkspace(
  adapters: BuildAdapters,
  options: WorkflowOptions & { readonly parallel?: number; readonly image?: string; readonly version?: string },
): Promise<IntegrationResult> {
  const { config, runId } = await prepare(adapters, options);
  // Without an explicit image, the one `slipway package` would tag for this commit.
  let image = options.image;
  let version = options.version;
  if (!image && config.package) {
    version ??= packageVersion(await adapters.git.tagsOnHead(options.workspaceDir)).version;
    image = imageTag(config.package.image, version);
  }
  return runIntegration(
    {
      runId,
      workspaceDir: options.workspaceDir,
      config: config.integration,
      owner: adapters.owner,
      resolvePath: adapters.resolvePath,
      ...(options.parallel !== undefined ? { parallel: options.parallel } : {}),
      ...(image ? { image } : {}),
      ...(version ? { version } : {}),
    },
    { compose: adapters.compose, portAllocator: adapters.portAllocator, files: adapters.files },
    options.events,
    options.signal,
  );
}
