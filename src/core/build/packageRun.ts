import type { PackageConfig } from '../config/model';
import { SlipwayError, isCancellation, toSlipwayError } from '../errors';
import type { RunEvents } from '../run/events';
import { RunReporter } from '../run/reporter';
import type { Verdict } from './buildRun';
import type { RunOwner } from './labels';
import type { GitVersionPort, ImageBuilderPort } from './ports';
import { imageTag, packageVersion } from './version';

export interface PackageInput {
  readonly runId: string;
  readonly workspaceDir: string;
  readonly config: PackageConfig | undefined;
  readonly versionOverride?: string;
  readonly owner: RunOwner;
  /** Joins a workspace-relative path (core has no `path`). */
  readonly resolvePath: (dir: string, relative: string) => string;
}

export interface PackageResult {
  readonly runId: string;
  readonly verdict: Verdict;
  readonly exitCode: number;
  readonly image: string;
  readonly version: string;
  readonly versionSource: 'override' | 'tag' | 'default';
  readonly imageId?: string;
  readonly sizeBytes?: number;
  readonly durationMs: number;
  readonly message?: string;
}

export const PACKAGE_STAGES = ['package: version', 'package: image'] as const;

export function requirePackageConfig(config: PackageConfig | undefined): PackageConfig {
  if (!config) {
    throw new SlipwayError('config', 'slipway.yml has no package section', {
      hint: 'Add package: { image: <name> } to slipway.yml (the Dockerfile defaults to ./Dockerfile)',
    });
  }
  return config;
}

/** "12.3 MB" — decimal units, as `docker images` prints them. */
export function formatSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${units[u]}`;
}

/** Builds the service image from the workspace's Dockerfile, tagged NAME:VERSION (version from git or override). */
export async function runPackage(
  input: PackageInput,
  ports: { readonly images: ImageBuilderPort; readonly git: GitVersionPort },
  events: RunEvents,
  signal?: AbortSignal,
): Promise<PackageResult> {
  const config = requirePackageConfig(input.config);
  const reporter = new RunReporter(input.runId, events);
  const started = Date.now();
  reporter.start(`Package ${config.image}`, PACKAGE_STAGES);
  let version = { version: '', source: 'default' as PackageResult['versionSource'] };
  let image = '';
  try {
    await reporter.stage(PACKAGE_STAGES[0], async () => {
      const tags = await ports.git.tagsOnHead(input.workspaceDir);
      const v = packageVersion(tags, input.versionOverride);
      version = v;
      image = imageTag(config.image, v.version);
      const why = v.source === 'override' ? 'given with --version' : v.source === 'tag' ? `from tag ${v.tag} on HEAD` : 'no v* tag on HEAD';
      reporter.log(PACKAGE_STAGES[0], 'info', `version ${v.version} (${why}) → ${image}`);
      return { result: 'passed' };
    });
    const built = await reporter.stage(PACKAGE_STAGES[1], async () => {
      const r = await ports.images.buildImage(
        {
          contextDir: input.resolvePath(input.workspaceDir, config.context || '.'),
          dockerfile: config.dockerfile || 'Dockerfile',
          tags: [image],
          buildArgs: config.buildArgs,
          // No run labels: the image is the product, not a leftover, and per-run labels would defeat the cache.
          labels: {},
        },
        (line) => reporter.log(PACKAGE_STAGES[1], 'stdout', line),
        signal,
      );
      reporter.log(PACKAGE_STAGES[1], 'info', `image ${image} ${r.id} ${formatSize(r.sizeBytes)}`);
      return { result: 'passed' as const, ...r };
    });
    reporter.end('passed');
    return {
      runId: input.runId,
      verdict: 'passed',
      exitCode: 0,
      image,
      version: version.version,
      versionSource: version.source,
      imageId: built.id,
      sizeBytes: built.sizeBytes,
      durationMs: Date.now() - started,
    };
  } catch (e) {
    const err = toSlipwayError(e);
    const cancelled = isCancellation(e);
    if (image === '') reporter.skipped(PACKAGE_STAGES[1]);
    reporter.end(cancelled ? 'cancelled' : 'failed', err.userMessage);
    if (!cancelled) throw err;
    return {
      runId: input.runId,
      verdict: 'cancelled',
      exitCode: 130,
      image,
      version: version.version,
      versionSource: version.source,
      durationMs: Date.now() - started,
      message: err.userMessage,
    };
  }
}
