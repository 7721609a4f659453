/**
 * What Slipway knows about a Swarm cluster: nodes, services and their tasks, as plain data (no engine types).
 * Built from the engine's answers by `snapshotFromApi` (./engineData.ts); shown by the tree and the CLI.
 */
import type { ImageRef } from './imageRef';
import type { UpdateState } from './updateState';

import type { ClusterConfig, ClusterRole } from '../config/model';

export type { ClusterRole };

/** A configured cluster: slipway.yml's `ClusterConfig`, which may also come from the `SLIPWAY_CLUSTERS` environment. */
export interface ClusterTarget extends Omit<ClusterConfig, 'source'> {
  readonly source?: ClusterConfig['source'] | 'env';
}

export interface SwarmNode {
  readonly id: string;
  readonly hostname: string;
  readonly role: 'manager' | 'worker';
  readonly leader: boolean;
  /** active | pause | drain */
  readonly availability: string;
  /** ready | down | unknown | disconnected */
  readonly status: string;
  readonly address: string;
  readonly engineVersion: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface PublishedPort {
  readonly target: number;
  readonly published?: number;
  readonly protocol: string;
  readonly mode: string;
}

export interface UpdatePolicy {
  readonly parallelism: number;
  readonly delaySeconds: number;
  /** pause | continue | rollback */
  readonly failureAction: string;
  readonly monitorSeconds: number;
  /** stop-first | start-first */
  readonly order: string;
}

export interface SwarmService {
  readonly id: string;
  readonly name: string;
  /** The image text as in the spec, e.g. `localhost:5000/demo:1.1@sha256:…`. */
  readonly imageText: string;
  readonly image: ImageRef | undefined;
  /** The tag, or `@shortdigest` for a digest-only image. */
  readonly version: string;
  readonly digest: string | undefined;
  readonly mode: 'replicated' | 'global';
  /** Replicas in the spec (replicated mode only). */
  readonly replicas: number | undefined;
  readonly runningTasks: number;
  readonly desiredTasks: number;
  readonly constraints: readonly string[];
  readonly ports: readonly PublishedPort[];
  readonly updateState: UpdateState | undefined;
  /** Swarm's optimistic-lock version index (needed to update the spec). */
  readonly specVersion: number;
  /** The engine's clock at the last spec change; rollouts started after it belong to the caller. */
  readonly updatedAt: string;
  readonly updateConfig: UpdatePolicy | undefined;
  readonly rollbackConfig: UpdatePolicy | undefined;
  /** A previous spec exists, so `rollback` has something to go back to. */
  readonly canRollBack: boolean;
  /** The version the previous spec ran (for "rolled back to …" messages). */
  readonly previousVersion: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
}

export interface SwarmTask {
  readonly id: string;
  readonly serviceId: string;
  readonly serviceName: string;
  /** Replica slot (replicated) — undefined for global tasks. */
  readonly slot: number | undefined;
  readonly nodeId: string;
  readonly nodeHostname: string;
  /** new | pending | assigned | accepted | preparing | starting | running | complete | shutdown | failed | rejected | orphaned | remove */
  readonly state: string;
  readonly desiredState: string;
  readonly message: string;
  readonly error: string | undefined;
  readonly exitCode: number | undefined;
  readonly imageText: string;
  readonly version: string;
  readonly digest: string | undefined;
  readonly containerId: string | undefined;
  /** ISO time of the last state change. */
  readonly updatedAt: string;
}

export interface ClusterSnapshot {
  readonly cluster: ClusterTarget;
  readonly nodes: readonly SwarmNode[];
  readonly services: readonly SwarmService[];
  readonly tasks: readonly SwarmTask[];
  readonly fetchedAt: number;
}

/** A cluster as the view shows it: a snapshot, or the reason it could not be read. */
export type ClusterState =
  | { readonly kind: 'ok'; readonly cluster: ClusterTarget; readonly snapshot: ClusterSnapshot }
  | { readonly kind: 'error'; readonly cluster: ClusterTarget; readonly error: ClusterProblem }
  | { readonly kind: 'loading'; readonly cluster: ClusterTarget };

export interface ClusterProblem {
  /** SlipwayError kind: unreachable | notSwarmManager | config | docker … */
  readonly kind: string;
  readonly message: string;
  readonly hint?: string;
}

export function tasksOf(snapshot: ClusterSnapshot, serviceId: string): SwarmTask[] {
  return snapshot.tasks.filter((t) => t.serviceId === serviceId);
}

export function findService(snapshot: ClusterSnapshot, nameOrId: string): SwarmService | undefined {
  return snapshot.services.find((s) => s.name === nameOrId) ?? snapshot.services.find((s) => s.id === nameOrId || s.id.startsWith(nameOrId));
}
