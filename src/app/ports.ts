/**
 * What the use cases need from the outside world. src/adapters implements these (dockerode, the compose and docker
 * CLIs, git, the file system); the composition roots (src/extension.ts, src/cli/composition.ts) wire them in; unit
 * tests pass fakes.
 */
import type { NodeAvailability } from '../core/swarm/nodes';
import type { StackClusterPort, StackFilesPort } from '../core/stack/ports';
import type { RunOwner } from '../core/build/labels';
import type { BuilderPort, ComposePort, FilesPort, GitVersionPort, ImageBuilderPort, PortAllocatorPort, ReapReport } from '../core/build/ports';
import type { ClusterConfig, SlipwayConfig } from '../core/config/model';
import type { RunHistoryStore } from '../core/pipeline/history';
import type { LineSink } from '../core/run/lines';
import type { ClusterSnapshot, ClusterState, ClusterTarget } from '../core/swarm/model';
import type { RefreshPolicyOptions, RefreshReason } from '../core/swarm/refreshPolicy';
import type { ClusterPort, RegistryLookup } from './swarmOperations';

/** The Docker engine a run talks to: its host or socket, as a user names it. */
export interface EngineName {
  readonly host: string;
}

/** Another engine for build, package and integration tests (`build.engine`): a cluster's engine or a Docker context. */
export interface BuildEngineTarget {
  /** As the run names it: `cluster prod-like`, `context ci`. */
  readonly label: string;
  readonly cluster?: ClusterConfig;
  readonly context?: string;
}

/** Everything the build, package and integration runs need. */
export interface BuildPorts {
  readonly endpoint: EngineName;
  /** Whether the engine sees this machine's files (a local socket), so the workspace can be bind-mounted. */
  readonly seesWorkspace: boolean;
  /** The same ports on another engine; it is taken never to see the workspace (builds there are shipped). */
  onEngine(target: BuildEngineTarget): BuildPorts;
  readonly builder: BuilderPort;
  readonly images: ImageBuilderPort;
  readonly git: GitVersionPort;
  readonly compose: ComposePort;
  readonly portAllocator: PortAllocatorPort;
  readonly files: FilesPort;
  readonly owner: RunOwner;
  readonly hostUser: { uid: number; gid: number } | undefined;
  readonly resolvePath: (dir: string, relative: string) => string;
  /** Reads and validates `<dir>/slipway.yml`. */
  readonly loadConfig: (workspaceDir: string) => Promise<SlipwayConfig>;
  /** Reaps what runs of dead processes left behind. */
  readonly reap: () => Promise<ReapReport>;
  /** Checks the engine answers; throws an `unreachable` error naming the endpoint otherwise. */
  readonly ping: () => Promise<void>;
}

export interface WorkspaceState {
  readonly branch: string;
  readonly commit: string;
  /** `git status --porcelain` lines; empty when the tree is clean. */
  readonly changes: readonly string[];
  /** The version the package stage tags with (the package version rule). */
  readonly version: string;
}

export interface PushedImage {
  readonly reference: string;
  readonly digest: string;
  readonly tag: string;
}

/** What the pipeline needs beyond the build ports: git, the registry push, test containers, the clusters. */
export interface PipelinePorts {
  readonly build: BuildPorts;
  describeWorkspace(dir: string, signal: AbortSignal): Promise<WorkspaceState>;
  history(workspaceDir: string): Promise<RunHistoryStore>;
  /** Tags `image` into `registry` as VERSION and pushes it; returns the pushed reference by digest. */
  pushImage(options: { image: string; registry: string; version: string; signal: AbortSignal; log: LineSink; engine?: BuildEngineTarget }): Promise<PushedImage>;
  /** The janitor on a cluster's engine: removes what runs of dead processes left there. */
  reapOn(cluster: ClusterConfig): Promise<ReapReport>;
  /** Compose environments on a cluster's engine (readiness and production tests run there). */
  composeOn(cluster: ClusterConfig): ComposePort;
  connect(cluster: ClusterTarget): SwarmClient;
  readonly registryFor: RegistryLookup;
  /** The cluster's stacks (deploy.files): objects, specs, release records. */
  stacks(cluster: ClusterTarget): StackClusterPort;
  /** The stack files of a workspace. */
  stackFiles(workspaceDir: string): StackFilesPort;
  /** Variables stack files may use (the process environment). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A connected Swarm cluster as the editor and the CLI use it: the rollout port plus reads and small changes. */
export interface SwarmClient extends ClusterPort {
  snapshot(): Promise<ClusterSnapshot>;
  scale(service: string, replicas: number): Promise<void>;
  setNodeLabel(nodeId: string, key: string, value: string | undefined): Promise<void>;
  setNodeAvailability(nodeId: string, availability: NodeAvailability): Promise<void>;
  /** Tags of `repository` the engine holds locally. */
  localTags(repository: string): Promise<string[]>;
  logs(service: string, options?: { follow?: boolean; tail?: number; timestamps?: boolean; details?: boolean; signal?: AbortSignal }): Promise<NodeJS.ReadableStream>;
}

/** A cluster connection: the client, and a watch over its state that the caller starts and disposes. */
export interface SwarmConnection {
  readonly client: SwarmClient;
  watch(options: ClusterWatchOptions): ClusterWatch;
}

/** Keeps one cluster's state fresh (engine events, polling during a rollout) and reports each new state. */
export interface ClusterWatch {
  start(): void;
  /** Reads the cluster now (Retry, Refresh, after a command). */
  refresh(reason?: RefreshReason): Promise<void>;
  dispose(): void;
}

export interface ClusterWatchOptions {
  readonly policy?: RefreshPolicyOptions;
  /** Each new state, with why it was read. */
  readonly onState: (state: ClusterState, reason: RefreshReason) => void;
}
