import * as assert from 'node:assert/strict';
import { serviceUrl } from '../../../src/core/swarm/serviceUrl';
import { prodLike, rawNode, rawService, rawTask, snapshot } from './fixtures';

const IMG = 'localhost:5000/app:1.0';
function web(mode: 'host' | 'ingress' | undefined) {
  const ports = mode ? [{ TargetPort: 3000, PublishedPort: 18300, Protocol: 'tcp', PublishMode: mode }] : [];
  const base = rawService('s1', 'web', IMG);
  return { ...base, Spec: { ...base.Spec!, EndpointSpec: { Ports: ports } } };
}
const nodes = [
  rawNode('m', { Description: { Hostname: 'prod-like-1' }, Spec: { Role: 'manager', Availability: 'active' }, Status: { State: 'ready', Addr: '10.88.1.1' } }),
  rawNode('w3', { Description: { Hostname: 'prod-like-3' }, Spec: { Role: 'worker', Availability: 'active' }, Status: { State: 'ready', Addr: '10.88.1.3' } }),
  rawNode('w2', { Description: { Hostname: 'prod-like-2' }, Spec: { Role: 'worker', Availability: 'active' }, Status: { State: 'ready', Addr: '10.88.1.2' } }),
];

describe('serviceUrl', () => {
  const urlOf = (mode: 'host' | 'ingress' | undefined, tasks: ReturnType<typeof rawTask>[]) => {
    const s = snapshot(prodLike, [web(mode)], tasks, nodes);
    return serviceUrl(s.services[0]!, s.tasks, s.nodes);
  };

  it('names the address of a worker that runs a task of a host-mode port (the port is open only there)', () => {
    assert.equal(urlOf('host', [rawTask('t1', 's1', 1, IMG, 'running', { NodeID: 'w3' }), rawTask('t2', 's1', 2, IMG, 'running', { NodeID: 'w2' })]), 'http://10.88.1.2:18300');
  });

  it('prefers the manager when it runs a task, and skips tasks that are not running', () => {
    assert.equal(urlOf('host', [rawTask('t1', 's1', 1, IMG, 'running', { NodeID: 'w2' }), rawTask('t2', 's1', 2, IMG, 'running', { NodeID: 'm' })]), 'http://10.88.1.1:18300');
    assert.equal(urlOf('host', [rawTask('t1', 's1', 1, IMG, 'shutdown', { NodeID: 'm' }), rawTask('t2', 's1', 1, IMG, 'running', { NodeID: 'w3' })]), 'http://10.88.1.3:18300');
  });

  it('has no URL for a host-mode port with no running task, nor for a service that publishes nothing', () => {
    assert.equal(urlOf('host', [rawTask('t1', 's1', 1, IMG, 'failed', { NodeID: 'w3' })]), undefined);
    assert.equal(urlOf(undefined, [rawTask('t1', 's1', 1, IMG, 'running', { NodeID: 'w3' })]), undefined);
  });

  it('uses loopback for an ingress port, and for a node that reports no address', () => {
    assert.equal(urlOf('ingress', [rawTask('t1', 's1', 1, IMG, 'running', { NodeID: 'w3' })]), 'http://127.0.0.1:18300');
    const s = snapshot(prodLike, [web('host')], [rawTask('t1', 's1', 1, IMG, 'running', { NodeID: 'n1' })], [rawNode('n1', { Status: { State: 'ready', Addr: '0.0.0.0' } })]);
    assert.equal(serviceUrl(s.services[0]!, s.tasks, s.nodes), 'http://127.0.0.1:18300');
  });
});
