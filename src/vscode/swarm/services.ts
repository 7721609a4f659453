/** What the Swarm view needs from the adapters; src/extension.ts passes the real ones, tests may pass fakes. */
import type { SwarmConnection } from '../../app/ports';
import type { ImageRef } from '../../core/swarm/imageRef';
import type { ClusterTarget } from '../../core/swarm/model';
import type { RegistryLookup } from '../../core/swarm/operations';

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
}
