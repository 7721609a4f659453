import { LABEL_KIND, LABEL_RUN, LABEL_WORKSPACE } from '../run/runId';

/** Which process owns a run's resources (`<hostname>:<pid>`), so the janitor can reap what a dead process left. */
export const LABEL_OWNER = 'io.slipway.owner';

/** What a labelled resource was made for: the builder, an image build, or a compose environment of a run. */
export type ResourceKind = 'build' | 'integration' | 'package' | 'staging' | 'readiness' | 'production';

/** Short stable hash of a workspace path (FNV-1a, hex), for the `io.slipway.workspace` label. */
export function workspaceHash(path: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) {
    h ^= path.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export interface RunOwner {
  readonly hostname: string;
  readonly pid: number;
}

export function runLabels(runId: string, workspaceDir: string, kind: ResourceKind, owner: RunOwner): Record<string, string> {
  return {
    [LABEL_RUN]: runId,
    [LABEL_WORKSPACE]: workspaceHash(workspaceDir),
    [LABEL_KIND]: kind,
    [LABEL_OWNER]: ownerOf(owner),
  };
}

/**
 * Whether a labelled resource was left behind by a process that is gone: only resources owned by a process on
 * this host, whose pid no longer runs. Resources of other hosts or without an owner are never touched.
 */
export function isOrphaned(labels: Readonly<Record<string, string>> | undefined, hostname: string, isAlive: (pid: number) => boolean): boolean {
  if (!labels?.[LABEL_RUN]) return false;
  return ownerIsGone(labels[LABEL_OWNER], hostname, isAlive);
}

/** `<hostname>:<pid>` of the running process: what labels and run records name as a run's owner. */
export function ownerOf(owner: RunOwner): string {
  return `${owner.hostname}:${owner.pid}`;
}

/** Whether the owner (`<hostname>:<pid>`) was a process on this host that no longer runs. Other hosts: never. */
export function ownerIsGone(owner: string | undefined, hostname: string, isAlive: (pid: number) => boolean): boolean {
  if (!owner) return false;
  const sep = owner.lastIndexOf(':');
  if (sep <= 0) return false;
  const host = owner.slice(0, sep);
  const pid = Number(owner.slice(sep + 1));
  if (host !== hostname || !Number.isInteger(pid) || pid <= 0) return false;
  return !isAlive(pid);
}

/** Compose project name for environment `n` of a run: `slipway_<runid>_<n>`, reduced to what compose accepts. */
export function composeProjectName(runId: string, n: number): string {
  const id = runId.toLowerCase().replace(/[^a-z0-9]/g, '');
  return `slipway_${id}_${n}`;
}
