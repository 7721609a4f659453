import * as assert from 'node:assert/strict';
import { engineEnv } from '../../../src/adapters/docker/engineEnv';
import { pushedDigest, registryTag } from '../../../src/adapters/docker/push';
import { lineWriter } from '../../../src/core/run/lines';

describe('pipeline CLI tool helpers', () => {
  it('splits streamed chunks into whole lines and flushes the last partial one', () => {
    const lines: string[] = [];
    const w = lineWriter((l) => lines.push(l), 'stdout');
    w.write('one\ntw');
    w.write('o\r\nthree');
    assert.deepEqual(lines, ['one', 'two']);
    w.flush();
    assert.deepEqual(lines, ['one', 'two', 'three']);
  });

  it('names the registry tag after the image name, dropping its tag, digest and old registry', () => {
    assert.equal(registryTag('go-auth:develop', 'localhost:5000', '1.2.0'), 'localhost:5000/go-auth:1.2.0');
    assert.equal(registryTag('other.io:443/team/go-auth:1.0@sha256:abc', 'localhost:5000', 'develop'), 'localhost:5000/go-auth:develop');
  });

  it('reads the pushed digest from docker push output', () => {
    const d = 'a'.repeat(64);
    assert.equal(pushedDigest(`abc: Pushed\ndevelop: digest: sha256:${d} size: 1981\n`), `sha256:${d}`);
    assert.equal(pushedDigest('denied: requested access to the resource is denied'), undefined);
  });

  it('points the docker and compose CLIs at the cluster by its host, with TLS files (contexts: adaptersPure.test)', () => {
    const base = { DOCKER_HOST: 'unix:///elsewhere.sock', DOCKER_TLS_VERIFY: '1', PATH: '/bin' };
    assert.deepEqual(engineEnv({ host: 'unix:///p.sock' }, base), { DOCKER_HOST: 'unix:///p.sock', PATH: '/bin' });
    const tls = engineEnv({ host: 'tcp://swarm-1:2376', tls: { ca: '/certs/ca.pem', cert: '/certs/cert.pem', key: '/certs/key.pem' } }, {});
    assert.equal(tls.DOCKER_TLS_VERIFY, '1');
    assert.equal(tls.DOCKER_CERT_PATH, '/certs');
  });
});
