/** What the Swarm view needs from the adapters; src/extension.ts passes the real ones, tests may pass fakes. */
import type { ClusterWatcher, ClusterWatcherOptions } from '../../adapters/docker/clusterWatcher';
import type { SwarmCluster } from '../../adapters/docker/swarm';
import type { ImageRef } from '../../core/swarm/imageRef';
import type { ClusterTarget } from '../../core/swarm/model';
import type { RegistryLookup } from '../../core/swarm/operations';

export interface SwarmServices {
  /** Clusters of `<folder>/slipway.yml` (empty when the file is absent). */
  readonly clustersFromWorkspace: (folder: string) => Promise<ClusterTarget[]>;
  /** Validates the `slipway.clusters` setting's value. */
  readonly clustersFromSettings: (value: unknown) => ClusterTarget[];
  readonly connect: (cluster: ClusterTarget) => SwarmCluster;
  readonly watch: (client: SwarmCluster, options: ClusterWatcherOptions) => ClusterWatcher;
  readonly registryFor: RegistryLookup;
  readonly registryTags: (ref: ImageRef) => Promise<string[]>;
  readonly gitTags: (folder: string) => Promise<string[]>;
}
