import type { ComposeBind } from './composeModel';
import type { ShipSettings, TransferPhase, TransferReport } from './shipping';

/**
 * What the build, package and integration runs need from the outside world. Adapters implement these
 * (dockerode, the compose CLI, git); unit tests use fakes.
 */

/** Output sink for a running process or container. Chunks, not lines. */
export interface OutputSink {
  readonly stdout: (chunk: string) => void;
  readonly stderr: (chunk: string) => void;
}

export interface BuilderContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly command: readonly string[];
  readonly workdir: string;
  readonly env: Readonly<Record<string, string>>;
  /** Host directory: bind-mounted at `workdir`, or shipped into it when `ship` is set. */
  readonly workspaceDir: string;
  readonly user?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The engine cannot see the workspace: ship it as an archive and copy the results back (no bind mount). */
  readonly ship?: WorkspaceShipment;
}

/** A shipped build's round trip, reported as it happens. */
export interface WorkspaceShipment extends ShipSettings {
  readonly started: (phase: TransferPhase) => void;
  readonly ended: (phase: TransferPhase, report: TransferReport) => void;
  readonly log: (line: string) => void;
}

export interface BuilderPort {
  /**
   * Creates, starts and attaches the container, streams its output, waits for it and removes it. Cancelling
   * kills and removes it at once. Resolves with the exit code.
   */
  runContainer(spec: BuilderContainerSpec, sink: OutputSink, signal?: AbortSignal): Promise<{ exitCode: number }>;
}

export interface ImageBuildSpec {
  readonly contextDir: string;
  readonly dockerfile: string;
  readonly tags: readonly string[];
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ImageBuilderPort {
  /** Builds the image; streams the builder's log lines; resolves with the image id and size in bytes. */
  buildImage(spec: ImageBuildSpec, onLog: (line: string) => void, signal?: AbortSignal): Promise<{ id: string; sizeBytes: number }>;
}

export interface GitVersionPort {
  /** Tags pointing at HEAD; empty outside a repository or without tags. */
  tagsOnHead(dir: string): Promise<string[]>;
}

/** One isolated compose environment of an integration run. */
export interface ComposeEnvironment {
  readonly projectName: string;
  readonly workspaceDir: string;
  readonly composeFile: string;
  /** Extra variables for compose (SLIPWAY_IMAGE, SLIPWAY_VERSION, allocated host ports). */
  readonly env: Readonly<Record<string, string>>;
  /** Labels every container, network and volume of the environment carries. */
  readonly labels: Readonly<Record<string, string>>;
  /** A compose override file (YAML) putting `labels` on every service, network and volume of the file. */
  readonly labelOverride: string;
  /** The test service runs alone (`run --no-deps`): it tests a service deployed elsewhere. */
  readonly noDeps?: boolean;
  /** Bind mounts of workspace paths; shipped as volumes to an engine that cannot see the workspace. */
  readonly binds?: readonly ComposeBind[];
  /** The compose file's format version (for override files). */
  readonly composeVersion?: string;
}

/** What the engine says about a service's container, reduced to what readiness needs. */
export interface ServiceContainerState {
  readonly found: boolean;
  readonly status?: string; // created | running | exited | …
  readonly exitCode?: number;
  readonly health?: string; // starting | healthy | unhealthy; undefined without a healthcheck
  readonly lastHealthOutput?: string;
  /** Host ports published by the container (host ip, port). */
  readonly publishedPorts: readonly { host: string; port: number }[];
}

export interface ComposePort {
  up(env: ComposeEnvironment, services: readonly string[], sink: OutputSink, signal?: AbortSignal): Promise<void>;
  serviceState(env: ComposeEnvironment, service: string): Promise<ServiceContainerState>;
  portAnswers(host: string, port: number): Promise<boolean>;
  /** `run -T SERVICE` (teardown removes the one-off container); resolves with its exit code; rejects with a `timeout` error after `timeoutMs`. */
  runService(env: ComposeEnvironment, service: string, sink: OutputSink, timeoutMs: number, signal?: AbortSignal): Promise<{ exitCode: number }>;
  /**
   * Follows a service container that `up` started: streams its output from the start, waits for it to exit and
   * resolves with its exit code; rejects with a `timeout` error after `timeoutMs`.
   */
  followService(env: ComposeEnvironment, service: string, sink: OutputSink, timeoutMs: number, signal?: AbortSignal): Promise<{ exitCode: number }>;
  /** Removes everything of the environment (what `down -v --remove-orphans` removes). Never throws. */
  down(env: ComposeEnvironment, sink: OutputSink): Promise<void>;
}

export interface PortAllocatorPort {
  /** Distinct host ports that are free right now. */
  freePorts(count: number): Promise<number[]>;
}

export interface FilesPort {
  readText(path: string): Promise<string>;
}

/** What the janitor removed: resources of runs whose process is gone. */
export interface ReapReport {
  readonly containers: number;
  readonly networks: number;
  readonly volumes: number;
}
