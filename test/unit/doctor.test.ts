import * as assert from 'node:assert/strict';
import { clusterChecks, composeCheck, doctorReport, filesNamedBy, formatDoctorReport, registriesNamedBy, unhealthyServices } from '../../src/core/doctor';
import { parseSlipwayConfig } from '../../src/core/config/parse';
import { D1, production, rawService, rawTask, snapshot } from './swarm/fixtures';

const IMAGE = `localhost:5000/go-auth:1.1@${D1}`;

describe('doctor: clusters, compose, slipway.yml (pure)', () => {
  it('names a service with fewer running tasks than desired, with its failed task\'s reason', () => {
    const snap = snapshot(production, [rawService('s1', 'go-auth', IMAGE), rawService('s2', 'redis', IMAGE, { Spec: { Name: 'redis', TaskTemplate: { ContainerSpec: { Image: IMAGE } }, Mode: { Replicated: { Replicas: 1 } } } })], [
      rawTask('t1', 's1', 1, IMAGE, 'running'),
      rawTask('t2', 's1', 2, IMAGE, 'failed', { Status: { State: 'failed', Message: 'started', Err: 'task: non-zero exit (1)' } }),
      rawTask('t3', 's2', 1, IMAGE, 'running'),
    ]);
    assert.deepEqual(unhealthyServices(snap), ['go-auth 1/2 running, task failed: task: non-zero exit (1)']);
    const [head, services] = clusterChecks({ cluster: 'production', endpoint: 'unix:///run/p.sock', kind: 'answered', swarmState: 'active', manager: true, snapshot: snap });
    assert.equal(head!.ok, true);
    assert.equal(services!.ok, false);
    assert.equal(services!.optional, undefined, 'a failing service makes the doctor fail, not warn');
    assert.match(services!.detail, /go-auth 1\/2 running/);
    assert.equal(doctorReport([head!, services!]).ok, false);
    assert.doesNotMatch(formatDoctorReport(doctorReport([head!, services!])), /ready\./);
  });

  it('a paused or rolled-back update is unhealthy even when every task runs', () => {
    const snap = snapshot(production, [rawService('s1', 'go-auth', IMAGE, { UpdateStatus: { State: 'rollback_completed', Message: 'rollback completed' } })], [
      rawTask('t1', 's1', 1, IMAGE, 'running'),
      rawTask('t2', 's1', 2, IMAGE, 'running'),
    ]);
    assert.deepEqual(unhealthyServices(snap), ['go-auth 2/2 running, rolled back']);
  });

  it('an unreachable cluster, an inactive swarm and a worker each fail with a fix', () => {
    const down = clusterChecks({ cluster: 'production', endpoint: 'tcp://swarm-1:2376', kind: 'unreachable', message: 'connect ECONNREFUSED' });
    const inactive = clusterChecks({ cluster: 'p', endpoint: 'unix:///x', kind: 'answered', swarmState: 'inactive', manager: false });
    const worker = clusterChecks({ cluster: 'p', endpoint: 'unix:///x', kind: 'answered', swarmState: 'active', manager: false });
    for (const [check] of [down, inactive, worker]) {
      assert.equal(check!.ok, false);
      assert.ok(check!.fix, `${check!.detail} has no fix`);
    }
    assert.match(down[0]!.detail, /tcp:\/\/swarm-1:2376: connect ECONNREFUSED/);
    assert.match(inactive[0]!.detail, /swarm is inactive/);
    assert.match(worker[0]!.detail, /worker/);
  });

  it('compose v1 is a warning (ready stays possible), v2 is fine, none fails', () => {
    const v1 = composeCheck({ command: 'docker-compose', version: '1.29.2', generation: 1 });
    assert.equal(v1.ok, false);
    assert.equal(v1.optional, true);
    assert.match(v1.detail, /v1/);
    assert.equal(doctorReport([v1]).ok, true);
    assert.equal(composeCheck({ command: 'docker compose', version: '2.24.0', generation: 2 }).ok, true);
    assert.equal(composeCheck(undefined).optional, undefined);
  });

  it('lists the files and registries slipway.yml names', () => {
    const config = parseSlipwayConfig(
      [
        'version: 1',
        'package: { image: go-auth, context: svc }',
        'integration: { compose: docker-compose.test.yml, test: tests }',
        'clusters:',
        '  a: { host: unix:///a.sock, role: prod-like, registry: "localhost:5000" }',
        '  b: { host: unix:///b.sock, role: production, registry: "reg.internal:5000" }',
        'deploy: { service: go-auth, registry: "localhost:5000", production: { compose: prod.yml, test: smoke } }',
      ].join('\n'),
    );
    assert.deepEqual(filesNamedBy(config), [
      { key: 'package.dockerfile', path: 'svc/Dockerfile' },
      { key: 'integration.compose', path: 'docker-compose.test.yml' },
      { key: 'deploy.production.compose', path: 'prod.yml' },
    ]);
    assert.deepEqual(registriesNamedBy(config, config.clusters), ['localhost:5000', 'reg.internal:5000']);
  });
});
