/** Engine-shaped JSON for the swarm unit tests (the fields Slipway reads, as engine 20.10 sends them). */
import type { RawNode, RawService, RawTask } from '../../../src/core/swarm/engineData';
import { snapshotFromApi } from '../../../src/core/swarm/engineData';
import type { ClusterSnapshot, ClusterTarget } from '../../../src/core/swarm/model';

export const D1 = 'sha256:' + '1'.repeat(64);
export const D2 = 'sha256:' + '2'.repeat(64);

export const prodLike: ClusterTarget = { name: 'prod-like', role: 'prod-like', host: 'unix:///var/run/docker.sock', source: 'settings' };
export const production: ClusterTarget = { name: 'production', role: 'production', host: 'unix:///run/p.sock', source: 'settings' };

export function rawNode(id: string, over: Partial<RawNode> = {}): RawNode {
  return {
    ID: id,
    Description: { Hostname: `host-${id}`, Engine: { EngineVersion: '20.10.24' } },
    Spec: { Role: 'manager', Availability: 'active', Labels: { env: 'prod-like' } },
    Status: { State: 'ready', Addr: '10.0.0.1' },
    ManagerStatus: { Leader: true },
    ...over,
  };
}

export function rawService(id: string, name: string, image: string, over: Partial<RawService> = {}): RawService {
  return {
    ID: id,
    Version: { Index: 42 },
    UpdatedAt: '2026-11-23T10:00:00.5Z',
    Spec: {
      Name: name,
      TaskTemplate: { ContainerSpec: { Image: image }, Placement: { Constraints: ['node.labels.env==prod-like'] } },
      Mode: { Replicated: { Replicas: 2 } },
      UpdateConfig: { Parallelism: 1, Delay: 1e9, FailureAction: 'rollback', Monitor: 1e9, Order: 'stop-first' },
    },
    ...over,
  };
}

export function rawTask(id: string, serviceId: string, slot: number, image: string, state: string, over: Partial<RawTask> = {}): RawTask {
  return {
    ID: id,
    ServiceID: serviceId,
    Slot: slot,
    NodeID: 'n1',
    UpdatedAt: '2026-11-23T10:00:01Z',
    DesiredState: state === 'running' || state === 'starting' || state === 'new' ? 'running' : 'shutdown',
    Spec: { ContainerSpec: { Image: image } },
    Status: { State: state, Message: state },
    ...over,
  };
}

export function snapshot(cluster: ClusterTarget, services: RawService[], tasks: RawTask[], nodes: RawNode[] = [rawNode('n1')]): ClusterSnapshot {
  return snapshotFromApi(cluster, { nodes, services, tasks }, 0);
}
