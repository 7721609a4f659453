import type Docker from 'dockerode';
import { hostname } from 'node:os';
import { LABEL_OWNER, isOrphaned } from '../../core/build/labels';
import type { ReapReport } from '../../core/build/ports';
import { processIsAlive } from '../process';

/**
 * Removes containers, networks and volumes that a Slipway run on this host labelled and whose process is gone
 * (killed CLI, crashed extension host). Resources of live runs and of other hosts are left alone.
 */
export async function reapOrphans(docker: Docker, host = hostname(), isAlive: (pid: number) => boolean = processIsAlive): Promise<ReapReport> {
  const filters = { label: [LABEL_OWNER] };
  const containers = (await docker.listContainers({ all: true, filters })).filter((c) => isOrphaned(c.Labels, host, isAlive));
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
  const networks = (await docker.listNetworks({ filters })).filter((n) => isOrphaned(n.Labels, host, isAlive));
  await Promise.all(networks.map((n) => docker.getNetwork(n.Id).remove().catch(() => undefined)));
  const volumes = ((await docker.listVolumes({ filters })).Volumes ?? []).filter((v) => isOrphaned(v.Labels ?? undefined, host, isAlive));
  await Promise.all(volumes.map((v) => docker.getVolume(v.Name).remove().catch(() => undefined)));
  return { containers: containers.length, networks: networks.length, volumes: volumes.length };
}
