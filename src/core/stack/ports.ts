/** What the stack use cases need from the outside: a cluster's stack objects, the stack files, registries. */
import type { ClusterTarget, SwarmService, SwarmTask } from '../swarm/model';
import type { EngineNetworkSpec, EngineServiceSpec } from './engineSpec';
import type { StackFileText } from './load';
import type { RunningStack } from './plan';
import type { ReleaseRecord } from './release';
import type { StackObjectKind } from './steps';

export interface StackSummary {
  readonly name: string;
  readonly services: readonly string[];
}

export interface StackClusterPort {
  readonly cluster: ClusterTarget;
  running(stack: string): Promise<RunningStack>;
  list(): Promise<StackSummary[]>;
  createNetwork(spec: EngineNetworkSpec): Promise<void>;
  createSecret(name: string, data: Uint8Array, labels: Readonly<Record<string, string>>): Promise<void>;
  createConfig(name: string, data: Uint8Array, labels: Readonly<Record<string, string>>): Promise<void>;
  createService(spec: EngineServiceSpec): Promise<string>;
  /** Returns the service's UpdatedAt before the change (rollouts that started earlier are someone else's). */
  updateService(spec: EngineServiceSpec, force: boolean): Promise<string>;
  removeService(name: string): Promise<void>;
  /** Removes a network, secret or config by name (a network still busy with stopping tasks is retried a while). */
  removeObject(kind: StackObjectKind, name: string): Promise<void>;
  remove(stack: string): Promise<string[]>;
  serviceState(name: string): Promise<{ service: SwarmService; tasks: SwarmTask[] }>;
  /** Every service of the stack with its tasks, by service name: one service list and one task list per call. */
  stackState(stack: string): Promise<ReadonlyMap<string, { service: SwarmService; tasks: SwarmTask[] }>>;
  /** How the engine Slipway talks to reaches a node's host-mode ports: 127.0.0.1 for itself, else the node's address. */
  nodeAddress(nodeId: string): Promise<string>;
  releases(stack: string): Promise<ReleaseRecord[]>;
  writeRelease(record: ReleaseRecord): Promise<boolean>;
  removeRelease(stack: string, number: number): Promise<void>;
}

export interface FileContent {
  readonly bytes: Uint8Array;
  readonly sha256: string;
}

export interface StackFilesPort {
  /** Reads the stack files (workspace-relative paths); a missing file is a `config` error naming it. */
  read(paths: readonly string[]): Promise<StackFileText[]>;
  /** The content of a secret or config file (absolute path), with its SHA-256 (hex). */
  content(path: string): Promise<FileContent>;
}
