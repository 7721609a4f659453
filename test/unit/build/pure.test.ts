import * as assert from 'node:assert/strict';
import { builderCommand, builderUser, parseMarker, shQuote } from '../../../src/core/build/builderScript';
import { labelOverride, parseComposeModel, readinessService } from '../../../src/core/build/composeModel';
import { explainComposeFailure, parallelCount } from '../../../src/core/build/integrationRun';
import { LABEL_OWNER, composeProjectName, isOrphaned, runLabels, workspaceHash } from '../../../src/core/build/labels';
import { formatSize } from '../../../src/core/build/packageRun';
import { readinessOf } from '../../../src/core/build/readiness';
import { imageTag, packageVersion } from '../../../src/core/build/version';
import { SlipwayError } from '../../../src/core/errors';
import { formatRunEvent } from '../../../src/core/run/format';
import { LineSplitter } from '../../../src/core/run/lines';
import { LABEL_RUN } from '../../../src/core/run/runId';
import { parse } from 'yaml';

describe('build: package version', () => {
  it('is develop when HEAD has no v* tag', () => {
    assert.deepEqual(packageVersion([]), { version: 'develop', source: 'default' });
    assert.equal(packageVersion(['release-1', 'vnext']).version, 'develop');
  });
  it('is the v* tag on HEAD without the v', () => {
    assert.deepEqual(packageVersion(['v1.2.3']), { version: '1.2.3', source: 'tag', tag: 'v1.2.3' });
  });
  it('takes the highest version when HEAD carries several v* tags', () => {
    assert.equal(packageVersion(['v1.9.0', 'v1.10.0', 'v1.2.0']).version, '1.10.0');
  });
  it('an override wins over tags and must be a valid docker tag', () => {
    assert.equal(packageVersion(['v1.0.0'], '2.0.0-rc1').version, '2.0.0-rc1');
    assert.throws(() => packageVersion([], 'bad/tag'), (e) => SlipwayError.is(e, 'usage'));
  });
  it('tags images NAME:VERSION and rejects names docker would refuse', () => {
    assert.equal(imageTag('go-auth', 'develop'), 'go-auth:develop');
    assert.equal(imageTag('localhost:5000/team/go-auth', '1.0.0'), 'localhost:5000/team/go-auth:1.0.0');
    assert.throws(() => imageTag('Go-Auth', '1'), (e) => SlipwayError.is(e, 'config'));
    assert.throws(() => imageTag('go-auth:latest', '1'), (e) => SlipwayError.is(e, 'config'));
  });
});

describe('build: labels and names', () => {
  it('compose project names are slipway_<runid>_<n> with only characters compose keeps', () => {
    assert.equal(composeProjectName('AbC-12.x', 3), 'slipway_abc12x_3');
  });
  it('hashes a workspace path stably and differently per path', () => {
    assert.equal(workspaceHash('/a/b'), workspaceHash('/a/b'));
    assert.notEqual(workspaceHash('/a/b'), workspaceHash('/a/c'));
    assert.match(workspaceHash('/x'), /^[0-9a-f]{8}$/);
  });
  it('a resource is orphaned only when its owner process on this host is gone', () => {
    const labels = runLabels('r1', '/ws', 'build', { hostname: 'vm', pid: 42 });
    assert.equal(isOrphaned(labels, 'vm', () => false), true);
    assert.equal(isOrphaned(labels, 'vm', () => true), false);
    assert.equal(isOrphaned(labels, 'other-host', () => false), false);
    assert.equal(isOrphaned({ [LABEL_RUN]: 'r1' }, 'vm', () => false), false, 'no owner label: never reaped');
    assert.equal(isOrphaned({ [LABEL_RUN]: 'r1', [LABEL_OWNER]: 'vm:zz' }, 'vm', () => false), false);
  });
});

describe('build: builder script', () => {
  it('quotes arguments for sh', () => {
    assert.equal(shQuote('plain-arg_1.0'), 'plain-arg_1.0');
    assert.equal(shQuote("it's here"), `'it'\\''s here'`);
    assert.equal(shQuote('$HOME; rm -rf /'), `'$HOME; rm -rf /'`);
  });
  it('wraps each step in start/end markers and stops at the first failure', () => {
    const [sh, flag, script] = builderCommand(
      [
        { name: 'a', command: ['echo', 'one two'] },
        { name: 'b', command: ['sh', '-c', 'exit 3'] },
      ],
      'n1',
    );
    assert.equal(sh, 'sh');
    assert.equal(flag, '-c');
    assert.match(script!, /echo "@@slipway-step-n1@@ start 0"/);
    assert.match(script!, /\( echo 'one two' \)/);
    assert.match(script!, /echo "@@slipway-step-n1@@ end 1 \$rc"/);
    assert.match(script!, /\[ "\$rc" -eq 0 \] \|\| exit "\$rc"/);
  });
  it('recognises only its own markers', () => {
    assert.deepEqual(parseMarker('@@slipway-step-n1@@ start 2', 'n1'), { kind: 'start', step: 2 });
    assert.deepEqual(parseMarker('@@slipway-step-n1@@ end 2 7', 'n1'), { kind: 'end', step: 2, exitCode: 7 });
    assert.equal(parseMarker('@@slipway-step-other@@ start 2', 'n1'), undefined);
    assert.equal(parseMarker('hello', 'n1'), undefined);
  });
  it('runs as the host user by default, as root or a given uid:gid on request', () => {
    assert.equal(builderUser('host', { uid: 1000, gid: 100 }), '1000:100');
    assert.equal(builderUser(undefined, { uid: 1000, gid: 100 }), '1000:100');
    assert.equal(builderUser('root', { uid: 1000, gid: 100 }), '0:0');
    assert.equal(builderUser('1234:5', { uid: 1000, gid: 100 }), '1234:5');
    assert.equal(builderUser('host', undefined), undefined);
  });
});

describe('build: compose model', () => {
  const compose = [
    'version: "3.8"',
    'services:',
    '  db:',
    '    image: redis',
    '  app:',
    '    image: ${SLIPWAY_IMAGE:-x:develop}',
    '    depends_on: { db: { condition: service_healthy } }',
    '    ports: ["127.0.0.1:${APP_PORT:-18090}:3000", "9000"]',
    '  admin:',
    '    image: a',
    '    ports: [{ target: 80, published: "${ADMIN_PORT}" }]',
    '  tests:',
    '    image: t',
    '    depends_on: [app]',
    'volumes:',
    '  data: {}',
    '  shared: { external: true }',
  ].join('\n');

  it('finds the services, dependencies, host-port variables and named volumes', () => {
    const m = parseComposeModel(compose, 'c.yml');
    assert.deepEqual(m.services, ['db', 'app', 'admin', 'tests']);
    assert.deepEqual(m.dependsOn['app'], ['db']);
    assert.deepEqual(m.portVariables, ['APP_PORT', 'ADMIN_PORT']);
    assert.deepEqual(m.volumes, ['data']);
  });
  it('reports a compose YAML error once, as file:line:col and the reason, without the library\'s own position', () => {
    assert.throws(
      () => parseComposeModel('services:\n  app: [\n', 'c.yml'),
      (e: Error) => /^c\.yml:3:1: Flow sequence in block collection must be sufficiently indented and end with a \]$/.test(e.message),
    );
  });
  it('waits for the first service the test depends on unless one is configured', () => {
    const m = parseComposeModel(compose, 'c.yml');
    assert.equal(readinessService(m, 'tests', undefined, 'c.yml'), 'app');
    assert.equal(readinessService(m, 'tests', 'db', 'c.yml'), 'db');
    assert.throws(() => readinessService(m, 'nope', undefined, 'c.yml'), /test service "nope" is not defined in c.yml/);
    assert.throws(() => readinessService(m, 'tests', 'nope', 'c.yml'), /app service "nope"/);
  });
  it('labels every service, the default network and named volumes through an override', () => {
    const m = parseComposeModel(compose, 'c.yml');
    const o = parse(labelOverride(m, { 'io.slipway.run': 'r1' })) as Record<string, Record<string, { labels: Record<string, string> }>>;
    assert.deepEqual(Object.keys(o['services']!), ['db', 'app', 'admin', 'tests']);
    assert.equal(o['services']!['db']!.labels['io.slipway.run'], 'r1');
    assert.equal(o['networks']!['default']!.labels['io.slipway.run'], 'r1');
    assert.deepEqual(Object.keys(o['volumes']!), ['data']);
  });
  it('reports YAML errors with line and column', () => {
    assert.throws(
      () => parseComposeModel('services:\n  app:\n    image: [unclosed\n', 'bad.yml'),
      (e) => SlipwayError.is(e, 'config') && /^bad\.yml:\d+:\d+: /.test(e.message) && typeof e.details?.['line'] === 'number',
    );
    assert.throws(() => parseComposeModel('version: "3"\n', 'empty.yml'), /empty\.yml has no services/);
  });
  it('names the port when compose says it is taken', () => {
    const e = explainComposeFailure('ERROR: for app  Cannot start service app: driver failed programming external connectivity on endpoint x: Bind for 127.0.0.1:18090 failed: port is already allocated');
    assert.match(e!.message, /Host port 18090 is already in use/);
    assert.equal(explainComposeFailure('ERROR: something else'), undefined);
    assert.match(explainComposeFailure('ERROR: for tests  Container "0a1b2c" is unhealthy.')!.message, /A service tests depends on did not become healthy/);
  });
  it('parallel must be a whole number from 1 to 32', () => {
    assert.equal(parallelCount(undefined, 2), 2);
    assert.equal(parallelCount(4, 1), 4);
    assert.throws(() => parallelCount(0, 1), (e) => SlipwayError.is(e, 'usage'));
    assert.throws(() => parallelCount(1.5, 1), (e) => SlipwayError.is(e, 'usage'));
  });
});

describe('build: readiness policy', () => {
  const base = { found: true, status: 'running', publishedPorts: [] as { host: string; port: number }[] };
  it('waits for a healthcheck to report healthy', () => {
    assert.equal(readinessOf('app', { ...base, health: 'starting' }).state, 'waiting');
    assert.equal(readinessOf('app', { ...base, health: 'healthy' }).state, 'ready');
    assert.match((readinessOf('app', { ...base, health: 'unhealthy', lastHealthOutput: 'refused' }) as { why: string }).why, /unhealthy \(last check: refused\)/);
  });
  it('without a healthcheck, waits for published ports to answer', () => {
    const v = readinessOf('app', { ...base, publishedPorts: [{ host: '127.0.0.1', port: 1234 }] });
    assert.equal(v.state, 'waiting');
    assert.deepEqual((v as { checkPorts: unknown }).checkPorts, [{ host: '127.0.0.1', port: 1234 }]);
  });
  it('is ready when running with nothing to wait for, and fails at once when the container exited', () => {
    assert.equal(readinessOf('app', base).state, 'ready');
    assert.deepEqual(readinessOf('app', { ...base, status: 'exited', exitCode: 2 }), { state: 'failed', why: 'app exited with code 2 before it was ready' });
    assert.equal(readinessOf('app', { found: false, publishedPorts: [] }).state, 'waiting');
  });
});

describe('build: text output', () => {
  it('splits chunks into lines across chunk boundaries', () => {
    const s = new LineSplitter();
    assert.deepEqual(s.push('a\nb'), ['a']);
    assert.deepEqual(s.push('c\r\nd'), ['bc']);
    assert.deepEqual(s.flush(), ['d']);
    assert.deepEqual(s.flush(), []);
  });
  it('prints stage headers, prefixed logs and verdicts', () => {
    assert.equal(formatRunEvent({ type: 'stageStarted', runId: 'r', stage: 'build: deps', at: 0 }), '--- build: deps\n');
    assert.equal(formatRunEvent({ type: 'log', runId: 'r', stage: 'integration #2', stream: 'stdout', text: 'hi' }, { prefixLogs: true }), '[integration #2] hi\n');
    assert.equal(
      formatRunEvent({ type: 'stageEnded', runId: 'r', stage: 's', result: 'failed', durationMs: 1500, message: 'exit code 2' }),
      '--- s FAILED (1.5s): exit code 2\n',
    );
    assert.equal(formatRunEvent({ type: 'runEnded', runId: 'r', result: 'passed', durationMs: 20 }), '==> PASSED in 20ms\n');
  });
  it('prints image sizes like docker does', () => {
    assert.equal(formatSize(999), '999 B');
    assert.equal(formatSize(106_000_000), '106 MB');
    assert.equal(formatSize(1_990_000), '2.0 MB');
  });
});
