import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveDockerContext } from '../../../src/adapters/docker/contexts';
import { engineEnv } from '../../../src/adapters/docker/engineEnv';
import { demuxBuffer } from '../../../src/adapters/docker/swarm';
import { eventLineParser, type EngineEvent } from '../../../src/adapters/docker/swarmEvents';
import { MANIFEST_ACCEPT, RegistryClient, registryBaseUrl, sortTags } from '../../../src/adapters/registry';
import { SlipwayError } from '../../../src/core/errors';
import { findCluster, mergeClusters, parseClusterList } from '../../../src/core/swarm/clusters';

describe('cluster settings', () => {
  it('reads the setting’s list and the slipway.yml-style map alike', () => {
    const list = parseClusterList([{ name: 'a', role: 'production', host: 'tcp://h:2376', tls: { ca: '/ca.pem' } }], 'settings');
    assert.deepEqual(list, [{ name: 'a', role: 'production', host: 'tcp://h:2376', context: undefined, tls: { ca: '/ca.pem', cert: undefined, key: undefined }, registry: undefined, source: 'settings' }]);
    assert.equal(parseClusterList({ b: { role: 'test', context: 'ctx' } }, 'env')[0]!.context, 'ctx');
  });

  it('rejects a bad role or an ambiguous endpoint with the entry’s path', () => {
    assert.throws(() => parseClusterList([{ name: 'a', role: 'prod', host: 'x' }], 'settings'), /slipway\.clusters\[0\]\.role must be one of/);
    assert.throws(() => parseClusterList([{ name: 'a', role: 'test' }], 'settings'), /exactly one of "host" or "context"/);
  });

  it('lets later sources override by name and names known clusters for an unknown one', () => {
    const merged = mergeClusters(parseClusterList({ a: { role: 'test', host: 'unix:///1' } }, 'env'), parseClusterList({ a: { role: 'test', host: 'unix:///2' } }, 'settings'));
    assert.equal(merged[0]!.host, 'unix:///2');
    assert.throws(() => findCluster(merged, 'nope'), (e) => SlipwayError.is(e, 'notFound') && /Known clusters: a/.test(e.hint ?? ''));
  });
});

describe('registry v2 client (fake fetch)', () => {
  const calls: { url: string; init: RequestInit }[] = [];
  const fake = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    if (url.endsWith('/tags/list')) return new Response(JSON.stringify({ name: 'demo', tags: ['1.0', 'latest', '1.10', '1.2'] }), { status: 200 });
    if (url.endsWith('/manifests/1.1')) return new Response(null, { status: 200, headers: { 'Docker-Content-Digest': 'sha256:abc' } });
    return new Response(null, { status: 404 });
  }) as unknown as typeof fetch;

  it('lists tags, version-looking ones newest first', async () => {
    assert.deepEqual(await new RegistryClient('localhost:5000', { fetch: fake }).tags('demo'), ['1.10', '1.2', '1.0', 'latest']);
    assert.equal(calls.at(-1)!.url, 'http://localhost:5000/v2/demo/tags/list');
  });

  it('reads the digest with a HEAD that accepts v2 manifests, and names a missing tag', async () => {
    const r = new RegistryClient('localhost:5000', { fetch: fake });
    assert.equal(await r.digest('demo', '1.1'), 'sha256:abc');
    assert.equal(calls.at(-1)!.init.method, 'HEAD');
    assert.equal((calls.at(-1)!.init.headers as Record<string, string>).Accept, MANIFEST_ACCEPT);
    await assert.rejects(r.digest('demo', '9.9'), (e) => SlipwayError.is(e, 'notFound') && /Tag "9\.9" of demo does not exist/.test(e.message));
  });

  it('uses https except for local registries', () => {
    assert.equal(registryBaseUrl('registry.example.com'), 'https://registry.example.com');
    assert.equal(registryBaseUrl('127.0.0.1:5000'), 'http://127.0.0.1:5000');
    assert.deepEqual(sortTags(['b', 'a', 'v2', '10']), ['10', 'v2', 'a', 'b']);
  });
});

describe('docker contexts', () => {
  let home: string;
  before(() => {
    home = mkdtempSync(join(tmpdir(), 'slipway-ctx-'));
    const id = createHash('sha256').update('remote').digest('hex');
    mkdirSync(join(home, 'contexts', 'meta', id), { recursive: true });
    writeFileSync(join(home, 'contexts', 'meta', id, 'meta.json'), JSON.stringify({ Name: 'remote', Endpoints: { docker: { Host: 'tcp://10.0.0.9:2376' } } }));
    mkdirSync(join(home, 'contexts', 'tls', id, 'docker'), { recursive: true });
    writeFileSync(join(home, 'contexts', 'tls', id, 'docker', 'ca.pem'), 'x');
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  it('resolves a context name to its endpoint and TLS files, like the docker CLI', () => {
    const e = resolveDockerContext('remote', { DOCKER_CONFIG: home });
    assert.equal(e.host, 'tcp://10.0.0.9:2376');
    assert.match(e.tls?.ca ?? '', /docker\/ca\.pem$/);
    assert.equal(resolveDockerContext('default', { DOCKER_CONFIG: home, DOCKER_HOST: 'unix:///d.sock' }).host, 'unix:///d.sock');
    assert.throws(() => resolveDockerContext('nope', { DOCKER_CONFIG: home }), (e) => SlipwayError.is(e, 'config') && /Known contexts: default, remote/.test(e.hint ?? ''));
  });

  it('points the docker and compose CLIs at a context by its host and TLS files (docker-compose 1.x reads no contexts)', () => {
    const env = engineEnv({ context: 'remote' }, { DOCKER_CONFIG: home, DOCKER_CONTEXT: 'other', PATH: '/bin' });
    assert.equal(env.DOCKER_HOST, 'tcp://10.0.0.9:2376');
    assert.equal(env.DOCKER_CONTEXT, undefined);
    assert.equal(env.DOCKER_TLS_VERIFY, '1');
    assert.match(env.DOCKER_CERT_PATH ?? '', /contexts\/tls\/[0-9a-f]{64}\/docker$/);
  });
});

describe('engine streams', () => {
  it('parses newline-delimited events split across chunks', () => {
    const got: EngineEvent[] = [];
    const feed = eventLineParser((e) => got.push(e));
    feed('{"Type":"service","Action":"update","Actor":{"ID":"s1","Attributes":{"name":"demo","updatestate.new":"updating"}},"timeNano":5}\n{"Type":"no');
    feed('de","Action":"update","Actor":{"ID":"n1"}}\n');
    assert.deepEqual(got.map((e) => [e.type, e.action, e.id]), [['service', 'update', 's1'], ['node', 'update', 'n1']]);
    assert.equal(got[0]!.attributes['updatestate.new'], 'updating');
  });

  it('demultiplexes log frames', () => {
    const frame = (kind: number, text: string) => {
      const body = Buffer.from(text);
      const head = Buffer.alloc(8);
      head[0] = kind;
      head.writeUInt32BE(body.length, 4);
      return Buffer.concat([head, body] as unknown as Uint8Array[]);
    };
    assert.equal(demuxBuffer(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')] as unknown as Uint8Array[])), 'out\nerr\n');
    assert.equal(demuxBuffer(Buffer.from('plain tty text')), 'plain tty text');
  });
});
