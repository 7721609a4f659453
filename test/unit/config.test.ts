import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SlipwayError } from '../../src/core/errors';
import { parseSlipwayConfig } from '../../src/core/config/parse';

const FULL = `version: 1
build:
  image: slipway-rig/node:20
  workdir: /src
  env: { SOURCE_PATH: /src, CGO: 0 }
  steps:
    - npm test
    - { name: compile, run: [node, build.js] }
package:
  image: go-auth
integration:
  compose: docker-compose.test.yml
  test: tests
  parallel: 2
clusters:
  prod-like:  { host: unix:///var/run/docker.sock, role: prod-like }
  production: { host: tcp://swarm-1:2376, tls: { ca: certs/ca.pem, cert: /abs/cert.pem }, role: production }
  laptop: { context: desktop-linux, role: test }
deploy:
  service: go-demo
  registry: localhost:5000
pipeline:
  mode: deployment
  stages: [build, checkout]
`;

function configError(text: string): SlipwayError {
  try {
    parseSlipwayConfig(text, { file: 'slipway.yml' });
  } catch (e) {
    assert.ok(SlipwayError.is(e, 'config'), `expected a config error, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the config to be rejected');
}

describe('slipway.yml parsing', () => {
  it('turns a full file into the typed model with defaults', () => {
    const c = parseSlipwayConfig(FULL, { baseDir: '/work/svc' });
    assert.equal(c.build?.workdir, '/src');
    assert.equal(c.build?.user, 'host');
    assert.deepEqual(c.build?.env, { SOURCE_PATH: '/src', CGO: '0' });
    assert.deepEqual(c.build?.steps, [
      { name: 'npm', command: ['sh', '-c', 'npm test'] },
      { name: 'compile', command: ['node', 'build.js'] },
    ]);
    assert.deepEqual(c.package, { image: 'go-auth', dockerfile: 'Dockerfile', context: '.', buildArgs: {} });
    assert.equal(c.integration?.parallel, 2);
    assert.equal(c.integration?.readyTimeoutSeconds, 120);
    assert.deepEqual(
      c.clusters.map((k) => [k.name, k.role, k.host ?? k.context]),
      [
        ['prod-like', 'prod-like', 'unix:///var/run/docker.sock'],
        ['production', 'production', 'tcp://swarm-1:2376'],
        ['laptop', 'test', 'desktop-linux'],
      ],
    );
    assert.deepEqual(c.clusters[1]?.tls, { ca: '/work/svc/certs/ca.pem', cert: '/abs/cert.pem', key: undefined });
    assert.deepEqual(c.pipeline, { mode: 'deployment', stages: ['checkout', 'build'] });
  });

  it('accepts the minimal file', () => {
    assert.deepEqual(parseSlipwayConfig('version: 1\n'), { version: 1, clusters: [] });
  });

  it('reports YAML syntax errors with line and column', () => {
    const e = configError('version: 1\nbuild:\n  image: [unclosed\n');
    assert.match(e.message, /^slipway\.yml:\d+:\d+: is not valid YAML/);
  });

  it('points an unknown key at the key itself', () => {
    const e = configError('version: 1\nbuild:\n  image: x\n  steps: [make]\n  stepz: []\n');
    assert.equal(e.message, 'slipway.yml:5:3: build has an unknown key "stepz"');
    assert.deepEqual(e.details, { file: 'slipway.yml', line: 5, column: 3, path: 'build' });
  });

  it('says which required key is missing', () => {
    const e = configError('version: 1\nintegration:\n  compose: c.yml\n');
    assert.equal(e.message, 'slipway.yml:3:3: integration is missing the required key "test"');
  });

  it('explains what a step must be', () => {
    const e = configError('version: 1\nbuild:\n  image: x\n  steps:\n    - make\n    - 42\n');
    assert.equal(e.message, 'slipway.yml:6:7: build.steps.1 must be a shell command string, an argument list or {name, run}');
  });

  it('takes a bare argument list as a step (the exec form), named after the program it runs', () => {
    const c = parseSlipwayConfig('version: 1\nbuild:\n  image: x\n  steps:\n    - ["sh", "-c", "make test"]\n    - [/usr/bin/node, --test]\n', {});
    assert.deepEqual(c.build?.steps, [
      { name: 'make', command: ['sh', '-c', 'make test'] },
      { name: 'node', command: ['/usr/bin/node', '--test'] },
    ]);
    assert.match(configError('version: 1\nbuild:\n  image: x\n  steps:\n    - []\n').message, /^slipway\.yml:5:7: build\.steps\.0 /);
  });

  it('offers to open the file at the error, and names no path inside Slipway itself', () => {
    const e = configError('version: 1\nbuild:\n  image: x\n  steps: [make]\n  stepz: []\n');
    assert.deepEqual(e.remedies, [{ action: 'openConfig', file: 'slipway.yml', line: 5 }]);
    assert.doesNotMatch(`${e.message} ${e.hint ?? ''}`, /schemas\/|src\/|test\//);
  });

  it('lists the allowed roles', () => {
    const e = configError('version: 1\nclusters:\n  a: { host: unix:///x.sock, role: staging }\n');
    assert.match(e.message, /^slipway\.yml:3:\d+: clusters\.a\.role must be one of: test, prod-like, production$/);
  });

  it('needs exactly one of host or context for a cluster', () => {
    const e = configError('version: 1\nclusters:\n  a: { role: test }\n');
    assert.match(e.message, /clusters\.a needs exactly one of "host" or "context"/);
  });

  it('rejects an unsupported version and an empty file', () => {
    assert.match(configError('version: 2\n').message, /^slipway\.yml:1:10: version must be 1$/);
    assert.match(configError('').message, /is empty/);
  });

  it('rejects duplicate keys', () => {
    assert.match(configError('version: 1\nversion: 1\n').message, /^slipway\.yml:2:1: is not valid YAML/);
  });
});

describe('precompiled slipway.yml schema validator', () => {
  it('is generated from schemas/slipway.schema.json as it stands (run node scripts/gen-config-validator.mjs after a schema change)', () => {
    const r = spawnSync(process.execPath, [join(__dirname, '..', '..', '..', 'scripts', 'gen-config-validator.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
});
