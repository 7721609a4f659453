/** What the Swarm view needs from the adapters; src/extension.ts passes the real ones, tests may pass fakes. */
import type { SwarmConnection } from '../../app/ports';
import type { StackDeployDeps } from '../../app/stack/deploy';
import type { SlipwayConfig } from '../../core/config/model';
import type { ReleaseRecord } from '../../core/stack/release';
import type { PendingPromotion } from '../../core/agent/pending';
import type { ImageRef } from '../../core/swarm/imageRef';
import type { ClusterTarget } from '../../core/swarm/model';
import type { RegistryLookup } from '../../app/swarmOperations';

export interface SwarmServices {
  /** Clusters of `<folder>/slipway.yml` (empty when the file is absent). */
  readonly clustersFromWorkspace: (folder: string) => Promise<ClusterTarget[]>;
  /** Validates the `slipway.clusters` setting's value. */
  readonly clustersFromSettings: (value: unknown) => ClusterTarget[];
  /** Connects lazily (nothing is sent yet); throws when the endpoint cannot even be built (bad TLS file…). */
  readonly connect: (cluster: ClusterTarget) => SwarmConnection;
  readonly registryFor: RegistryLookup;
  readonly registryTags: (ref: ImageRef) => Promise<string[]>;
  readonly gitTags: (folder: string) => Promise<string[]>;
  /** Stacks (deploy.files of slipway.yml): the use cases' ports for a cluster and a workspace folder. */
  readonly stacks: StackEditorServices;
}

export interface StackEditorServices {
  /** slipway.yml of the folder. */
  config(folder: string): Promise<SlipwayConfig>;
  deps(cluster: ClusterTarget, folder: string): StackDeployDeps;
  /** Every release record on a cluster (all stacks), for the tree and the Versions matrix. */
  releases(cluster: ClusterTarget): Promise<ReleaseRecord[]>;
  /** Pushes that wait on a cluster for a person to approve them (push to deploy in delivery mode). */
  pending(cluster: ClusterTarget): Promise<PendingPromotion[]>;
  /** Who a release names (the OS user) and the folder's git HEAD. */
  author(folder: string): Promise<{ who: string; commit?: string }>;
}
