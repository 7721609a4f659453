/**
 * Builds on another engine (`build.engine`): that engine cannot see the workspace, so a bind mount would silently
 * show it the engine host's disk. The workspace is shipped into the builder container as an archive instead, and what
 * the build created or changed comes back. These are the rules of that round trip; the adapters do the I/O.
 */

/** What goes out and what comes back (slipway.yml `build.engine.ignore` / `.artifacts`). */
export interface ShipSettings {
  /** `.dockerignore` patterns left out of the shipment; undefined: the workspace's own `.dockerignore`. */
  readonly ignore?: readonly string[];
  /** Workspace-relative paths that come back; undefined: everything the build created, changed or deleted. */
  readonly artifacts?: readonly string[];
}

/** One file as it was shipped: enough to tell, afterwards, whether the build changed it (and whether the user did). */
export interface ShippedFile {
  readonly hash: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** What a shipment or a copy-back moved. */
export interface TransferReport {
  readonly files: number;
  readonly bytes: number;
  /** Copy-back only: files the build deleted that were deleted here too. */
  readonly deleted?: readonly string[];
  /** Copy-back only: files changed here while the build ran, kept as they are (the build's version is not written). */
  readonly keptLocal?: readonly string[];
}

export type TransferPhase = 'ship' | 'copyBack';

/** The stages a shipped build adds around its steps. */
export const SHIP_STAGE = 'build: ship workspace';
export const COPY_BACK_STAGE = 'build: copy artifacts back';

/** Never shipped back: the repository itself (a build must not be able to rewrite history or refs). */
export function isProtectedPath(path: string): boolean {
  return path === '.git' || path.startsWith('.git/');
}

/** Normalises an archive or user path to `a/b/c` (no `./`, no trailing slash); undefined for paths leaving the root. */
export function normalRelativePath(path: string): string | undefined {
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return undefined;
    parts.push(part);
  }
  return parts.join('/');
}

/** Whether `path` (workspace-relative) is one of the artifacts: the path itself, or inside one. */
export function isArtifact(path: string, artifacts: readonly string[] | undefined): boolean {
  if (artifacts === undefined) return true;
  return artifacts.some((a) => {
    const base = normalRelativePath(a);
    if (base === undefined) return false;
    return base === '' || path === base || path.startsWith(`${base}/`);
  });
}

export type CopyBackDecision = 'write' | 'unchanged' | 'keepLocal';

/**
 * Whether the file here changed after the shipment started (the user edited it while the build ran): a shipped file
 * whose modification time moved, or a file that was not shipped and was written since.
 */
export function changedHere(local: { readonly mtimeMs: number }, shipped: ShippedFile | undefined, shippedAt: number): boolean {
  return shipped ? local.mtimeMs !== shipped.mtimeMs : local.mtimeMs > shippedAt;
}

/**
 * What to do with one file of the builder's workdir. Unchanged by the build (same content as shipped): nothing. Else
 * written, unless the file here changed after the shipment started: then the user's version wins and the run says so.
 */
export function copyBackDecision(
  contentHash: string,
  shipped: ShippedFile | undefined,
  local: { readonly mtimeMs: number } | undefined,
  shippedAt: number,
): CopyBackDecision {
  if (shipped && shipped.hash === contentHash) return 'unchanged';
  if (local && changedHere(local, shipped, shippedAt)) return 'keepLocal';
  return 'write';
}

/** A shipped file the builder's workdir no longer has is deleted here, unless the user changed it meanwhile. */
export function deleteDecision(local: { readonly mtimeMs: number } | undefined, shipped: ShippedFile, shippedAt: number): 'delete' | 'keepLocal' | 'gone' {
  if (!local) return 'gone';
  return changedHere(local, shipped, shippedAt) ? 'keepLocal' : 'delete';
}

/** "312 files, 1.2 MB" */
export function transferSummary(report: TransferReport, formatBytes: (bytes: number) => string): string {
  const parts = [`${report.files} file${report.files === 1 ? '' : 's'}, ${formatBytes(report.bytes)}`];
  if (report.deleted?.length) parts.push(`${report.deleted.length} deleted`);
  if (report.keptLocal?.length) parts.push(`${report.keptLocal.length} kept as you changed them`);
  return parts.join('; ');
}
