import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SlipwayError } from '../../../src/core/errors';
import { convertStack } from '../../../src/core/stack/convert';
import { interpolate } from '../../../src/core/stack/interpolate';
import { loadStack, type StackFileText } from '../../../src/core/stack/load';
import { shellSplit } from '../../../src/core/stack/shortSyntax';
import { parseBytes, parseDuration } from '../../../src/core/stack/units';

const file = (path: string, text: string): StackFileText => ({ path, dir: '/ws', text });

const BASE = `version: "3.8"
services:
  app:
    image: \${SLIPWAY_IMAGE}
    command: node server.js --port "3 000"
    environment:
      - REDIS_URL=redis://cache:6379
      - DEBUG
    ports:
      - "18100:3000"
      - { target: 3001, published: 18101, mode: host }
    networks: [back]
    volumes: ["data:/var/lib/app:ro", "./conf:/etc/app"]
    deploy:
      replicas: \${REPLICAS:-2}
      placement: { constraints: [node.role == manager] }
  cache:
    image: slipway-rig/redis:7
    networks: [back]
networks:
  back: {}
volumes:
  data: {}
`;

function configError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(SlipwayError.is(e, 'config'), `expected a config error, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('stack files: variables', () => {
  it('substitutes $VAR, ${VAR}, defaults, alternatives and $$', () => {
    const vars = { A: 'a', EMPTY: '' };
    assert.equal(interpolate('$A-${A}-${B:-d}-${EMPTY:-e}-${EMPTY-f}-${A:+alt}-$$A', vars).value, 'a-a-d-e--alt-$A');
    assert.deepEqual(interpolate('${NOPE}', vars).unset, ['NOPE']);
    assert.throws(() => interpolate('${NEED:?set it}', vars), /required variable NEED is unset: set it/);
  });
});

describe('stack files: loading and merging like docker stack deploy', () => {
  it('expands short syntaxes and substitutes variables', () => {
    const { compose, warnings } = loadStack([file('stack.yml', BASE)], { SLIPWAY_IMAGE: 'localhost:5000/go-auth:1.0' });
    const app = compose.services.app!;
    assert.equal(app.image, 'localhost:5000/go-auth:1.0');
    assert.deepEqual(app.command, ['node', 'server.js', '--port', '3 000']);
    assert.deepEqual(app.environment, { REDIS_URL: 'redis://cache:6379', DEBUG: null });
    assert.deepEqual(app.ports, [
      { target: 3000, published: 18100, protocol: 'tcp', mode: 'ingress' },
      { protocol: 'tcp', mode: 'host', target: 3001, published: 18101 },
    ]);
    assert.deepEqual(app.networks, { back: null });
    assert.deepEqual(app.volumes, [
      { type: 'volume', source: 'data', target: '/var/lib/app', read_only: true },
      { type: 'bind', source: '/ws/conf', target: '/etc/app' },
    ]);
    assert.equal(app.deploy?.replicas, 2, 'the default of ${REPLICAS:-2}, coerced to a number');
    assert.deepEqual(warnings, []);
  });

  it('merges files in order: maps merged, ports by identity, command replaced, lists appended', () => {
    const override = `version: "3.8"
services:
  app:
    command: ["node", "other.js"]
    environment: { DEBUG: "1", EXTRA: x }
    ports: ["18100:3000", "18102:3002"]
    deploy:
      replicas: 3
      placement: { constraints: [node.labels.env == production] }
  worker:
    image: busybox
`;
    const { compose } = loadStack([file('stack.yml', BASE), file('stack.production.yml', override)], { SLIPWAY_IMAGE: 'img:1' });
    const app = compose.services.app!;
    assert.deepEqual(app.command, ['node', 'other.js']);
    assert.deepEqual(app.environment, { REDIS_URL: 'redis://cache:6379', DEBUG: '1', EXTRA: 'x' });
    assert.equal(app.ports?.length, 3);
    assert.equal(app.deploy?.replicas, 3);
    assert.deepEqual(app.deploy?.placement?.constraints, ['node.role == manager', 'node.labels.env == production']);
    assert.deepEqual(Object.keys(compose.services).sort(), ['app', 'cache', 'worker']);
  });

  it('reports an unsupported key at file:line:col naming the key', () => {
    const text = BASE.replace('    deploy:\n', '    deploy:\n      surprise: 1\n');
    configError(() => loadStack([file('stack.yml', text)], { SLIPWAY_IMAGE: 'x' }), /^stack\.yml:15:7: services\.app\.deploy has an unsupported key "surprise"/);
  });

  it('explains keys Swarm ignores instead of dropping them silently', () => {
    const text = BASE.replace('  cache:\n    image: slipway-rig/redis:7\n', '  cache:\n    image: slipway-rig/redis:7\n    depends_on: [app]\n');
    configError(() => loadStack([file('stack.yml', text)], { SLIPWAY_IMAGE: 'x' }), /^stack\.yml:19:5: services\.cache has the key "depends_on", which Swarm does not use/);
  });

  it('reports wrong types, bad YAML, bad ports and bad variables with their position', () => {
    configError(() => loadStack([file('s.yml', BASE.replace('${REPLICAS:-2}', 'many'))], { SLIPWAY_IMAGE: 'x' }), /^s\.yml:15:17: services\.app\.deploy\.replicas must be integer/);
    configError(() => loadStack([file('s.yml', 'services:\n  app: [\n')], {}), /^s\.yml:\d+:\d+: is not valid YAML/);
    configError(() => loadStack([file('s.yml', BASE.replace('"18100:3000"', '"127.0.0.1:18100:3000"'))], { SLIPWAY_IMAGE: 'x' }), /^s\.yml:10:9: services\.app\.ports\.0 "127\.0\.0\.1:18100:3000" names a host IP/);
    configError(() => loadStack([file('s.yml', BASE)], {}), /^s\.yml:4:12: services\.app\.image must not be empty|^s\.yml:3:3: services\.app has no image/);
    configError(() => loadStack([file('s.yml', BASE.replace('${SLIPWAY_IMAGE}', '${SLIPWAY_IMAGE:?build first}'))], {}), /^s\.yml:4:5: services\.app\.image required variable SLIPWAY_IMAGE is unset: build first/);
  });

  it('warns about variables without a value', () => {
    const { warnings } = loadStack([file('s.yml', BASE.replace('slipway-rig/redis:7', 'redis:${REDIS_TAG}'))], { SLIPWAY_IMAGE: 'x' });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /REDIS_TAG is not set/);
  });
});

describe('the go-auth fixture\'s stack file', () => {
  it('loads and converts: app with a host-mode port on the overlay network, redis with its volume', () => {
    const dir = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'go-auth');
    const loaded = loadStack([{ path: 'stack.yml', dir, text: readFileSync(join(dir, 'stack.yml'), 'utf8') }], { SLIPWAY_IMAGE: 'localhost:5000/go-auth:1.0' });
    const d = convertStack('go-auth', loaded);
    assert.deepEqual(d.services.map((s) => s.spec.Name), ['go-auth_app', 'go-auth_redis']);
    assert.deepEqual(d.services[0]!.spec.EndpointSpec?.Ports, [{ Protocol: 'tcp', TargetPort: 3000, PublishedPort: 18100, PublishMode: 'host' }]);
    assert.equal(d.services[1]!.spec.TaskTemplate.ContainerSpec.Mounts?.[0]?.Source, 'go-auth_redis-data');
    assert.deepEqual(d.networks.map((n) => n.spec.Name), ['go-auth_back']);
    assert.throws(() => loadStack([{ path: 'stack.yml', dir, text: readFileSync(join(dir, 'stack.yml'), 'utf8') }], {}), /stack\.yml:8:5: services\.app\.image required variable SLIPWAY_IMAGE is unset/);
  });
});

describe('stack files: units and words', () => {
  it('parses Go durations, byte sizes and shell words', () => {
    assert.equal(parseDuration('1m30s'), 90e9);
    assert.equal(parseDuration('500ms'), 5e8);
    assert.equal(parseDuration('10'), 10e9);
    assert.equal(parseDuration('ten'), undefined);
    assert.equal(parseBytes('512M'), 512 * 1024 * 1024);
    assert.equal(parseBytes('1.5g'), 1.5 * 1024 ** 3);
    assert.deepEqual(shellSplit(`sh -c 'echo "a b"' x\\ y`), ['sh', '-c', 'echo "a b"', 'x y']);
  });
});
