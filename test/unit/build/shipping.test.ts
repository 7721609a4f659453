import * as assert from 'node:assert/strict';
import { buildEngineOf, buildWorkspace } from '../../../src/app/build';
import type { BuildEngineTarget, BuildPorts } from '../../../src/app/ports';
import { runBuild } from '../../../src/core/build/buildRun';
import { parseComposeModel, shippedBindsOverride } from '../../../src/core/build/composeModel';
import type { BuilderPort } from '../../../src/core/build/ports';
import {
  COPY_BACK_STAGE,
  SHIP_STAGE,
  changedHere,
  copyBackDecision,
  deleteDecision,
  isArtifact,
  isProtectedPath,
  normalRelativePath,
  transferSummary,
} from '../../../src/core/build/shipping';
import type { SlipwayConfig } from '../../../src/core/config/model';
import { parseSlipwayConfig } from '../../../src/core/config/parse';
import { SlipwayError } from '../../../src/core/errors';
import { RunEvents, type RunEvent } from '../../../src/core/run/events';

const shipped = { hash: 'aaa', size: 3, mtimeMs: 1000 };

describe('shipping a workspace to an engine that cannot see it: the rules', () => {
  it('normalises paths and refuses those that leave the workspace', () => {
    assert.equal(normalRelativePath('./src//a/'), 'src/a');
    assert.equal(normalRelativePath('src\\b'), 'src/b');
    assert.equal(normalRelativePath('.'), '');
    assert.equal(normalRelativePath('a/../../etc'), undefined);
  });

  it('never brings .git back, and brings back only the artifacts when they are named', () => {
    assert.ok(isProtectedPath('.git'));
    assert.ok(isProtectedPath('.git/HEAD'));
    assert.ok(!isProtectedPath('.github/workflows/x.yml'));
    assert.ok(isArtifact('anything', undefined));
    assert.ok(isArtifact('dist/app.js', ['dist']));
    assert.ok(isArtifact('dist', ['./dist/']));
    assert.ok(!isArtifact('distribution/x', ['dist']));
    assert.ok(isArtifact('coverage/lcov.info', ['dist', 'coverage']));
    assert.ok(isArtifact('x', ['.']));
  });

  it('writes what the build changed, skips what it did not, keeps what the user changed meanwhile', () => {
    assert.equal(copyBackDecision('aaa', shipped, { mtimeMs: 1000 }, 5000), 'unchanged');
    assert.equal(copyBackDecision('bbb', shipped, { mtimeMs: 1000 }, 5000), 'write');
    assert.equal(copyBackDecision('bbb', shipped, { mtimeMs: 6000 }, 5000), 'keepLocal', 'the user edited a shipped file');
    assert.equal(copyBackDecision('bbb', undefined, undefined, 5000), 'write', 'a new file');
    assert.equal(copyBackDecision('bbb', undefined, { mtimeMs: 4000 }, 5000), 'write', 'an old file that was not shipped (ignored) is the build output');
    assert.equal(copyBackDecision('bbb', undefined, { mtimeMs: 6000 }, 5000), 'keepLocal', 'written here while the build ran');
    assert.ok(changedHere({ mtimeMs: 999 }, shipped, 5000), 'any move of a shipped file’s time is a change');
  });

  it('deletes what the build deleted, unless the user changed it', () => {
    assert.equal(deleteDecision({ mtimeMs: 1000 }, shipped, 5000), 'delete');
    assert.equal(deleteDecision({ mtimeMs: 7000 }, shipped, 5000), 'keepLocal');
    assert.equal(deleteDecision(undefined, shipped, 5000), 'gone');
  });

  it('summarises a transfer', () => {
    const size = (b: number): string => `${b} B`;
    assert.equal(transferSummary({ files: 1, bytes: 5 }, size), '1 file, 5 B');
    assert.equal(transferSummary({ files: 3, bytes: 9, deleted: ['a'], keptLocal: ['b', 'c'] }, size), '3 files, 9 B; 1 deleted; 2 kept as you changed them');
  });
});

describe('build.engine in slipway.yml', () => {
  const base = (engine: string): string => `version: 1
build:
  image: b:1
  steps: [make]
  engine: ${engine}
clusters:
  prod-like: { host: unix:///var/run/docker.sock, role: prod-like }
`;

  it('reads a cluster or a context, with ignore patterns and artifacts', () => {
    assert.deepEqual(parseSlipwayConfig(base('{ cluster: prod-like, ignore: [.git], artifacts: [dist] }')).build?.engine, { cluster: 'prod-like', ignore: ['.git'], artifacts: ['dist'] });
    assert.deepEqual(parseSlipwayConfig(base('{ context: ci }')).build?.engine, { context: 'ci' });
  });

  it('names the line and column of a cluster the file does not have, and the known ones', () => {
    assert.throws(
      () => parseSlipwayConfig(base('{ cluster: staging }'), { file: 'slipway.yml' }),
      (e) => SlipwayError.is(e, 'config') && /^slipway\.yml:5:22: build\.engine\.cluster names no cluster of this file \("staging"\)$/.test(e.message) && e.hint === 'Known clusters: prod-like',
    );
  });

  it('wants the workdir to be a folder of its own, not the builder’s root', () => {
    assert.throws(() => parseSlipwayConfig(base('{ cluster: prod-like }').replace('  image: b:1\n', '  image: b:1\n  workdir: /\n')), (e) => SlipwayError.is(e, 'config') && /build\.workdir/.test(e.message));
  });

  it('wants exactly one of cluster and context', () => {
    assert.throws(() => parseSlipwayConfig(base('{ cluster: prod-like, context: ci }')), (e) => SlipwayError.is(e, 'config') && /build\.engine/.test(e.message));
    assert.throws(() => parseSlipwayConfig(base('{ artifacts: [dist] }')), (e) => SlipwayError.is(e, 'config') && /build\.engine/.test(e.message));
  });
});

describe('a shipped build run', () => {
  const config = parseSlipwayConfig(`version: 1
build:
  image: b:1
  steps: [make]
  engine: { cluster: prod-like, artifacts: [dist] }
clusters:
  prod-like: { host: tcp://10.0.0.1:2375, role: prod-like }
`);

  it('resolves build.engine to its cluster or context', () => {
    assert.deepEqual(buildEngineOf(config), { label: 'cluster prod-like', cluster: config.clusters[0] });
    assert.deepEqual(buildEngineOf({ ...config, build: { ...config.build!, engine: { context: 'ci' } } }), { label: 'context ci', context: 'ci' });
    assert.equal(buildEngineOf({ ...config, build: { ...config.build!, engine: undefined } } as SlipwayConfig), undefined);
  });

  it('has ship and copy-back stages around the steps, and runs on the engine build.engine names', async () => {
    const seen: RunEvent[] = [];
    const events = new RunEvents();
    events.on((e) => seen.push(e));
    const targets: BuildEngineTarget[] = [];
    let bindOrShip: string | undefined;
    const builder: BuilderPort = {
      async runContainer(spec, sink) {
        bindOrShip = spec.ship ? `ship ${spec.ship.artifacts?.join(',')}` : 'bind';
        spec.ship?.started('ship');
        spec.ship?.log('shipped 2 files');
        spec.ship?.ended('ship', { files: 2, bytes: 10 });
        const nonce = /@@slipway-step-([^@]+)@@/.exec(spec.command[2]!)![1]!;
        sink.stdout(`@@slipway-step-${nonce}@@ start 0\n@@slipway-step-${nonce}@@ end 0 0\n`);
        spec.ship?.started('copyBack');
        spec.ship?.ended('copyBack', { files: 1, bytes: 4 });
        return { exitCode: 0 };
      },
    };
    const enginePorts = { seesWorkspace: false, endpoint: { host: 'tcp://10.0.0.1:2375' }, builder, owner: { hostname: 'h', pid: 1 }, hostUser: undefined, reap: async () => ({ containers: 0, networks: 0, volumes: 0 }) } as unknown as BuildPorts;
    const ports = {
      ...enginePorts,
      seesWorkspace: true,
      builder: undefined,
      onEngine: (t: BuildEngineTarget) => (targets.push(t), enginePorts),
    } as unknown as BuildPorts;
    const result = await buildWorkspace(ports, { workspaceDir: '/w', events, config });
    assert.equal(result.verdict, 'passed');
    assert.deepEqual(targets.map((t) => t.label), ['cluster prod-like']);
    assert.equal(bindOrShip, 'ship dist');
    const started = seen.find((e) => e.type === 'runStarted');
    assert.ok(started?.type === 'runStarted');
    assert.deepEqual(started.stages, [SHIP_STAGE, 'build: make', COPY_BACK_STAGE]);
    assert.match(started.title, /on cluster prod-like$/);
    assert.deepEqual(
      seen.filter((e) => e.type === 'stageEnded').map((e) => e.type === 'stageEnded' && `${e.stage} ${e.result}`),
      [`${SHIP_STAGE} passed`, 'build: make passed', `${COPY_BACK_STAGE} passed`],
    );
    assert.ok(seen.some((e) => e.type === 'log' && e.stage === SHIP_STAGE && e.text === 'shipped 2 files'));
  });

  it('fails the copy-back stage when the engine goes away after the steps, and skips it when the upload failed', async () => {
    const run = async (failAt: 'ship' | 'copyBack'): Promise<RunEvent[]> => {
      const seen: RunEvent[] = [];
      const events = new RunEvents();
      events.on((e) => seen.push(e));
      const builder: BuilderPort = {
        async runContainer(spec, sink) {
          spec.ship!.started('ship');
          if (failAt === 'ship') throw new SlipwayError('unreachable', 'Lost the Docker engine at tcp://x during the upload of the workspace');
          spec.ship!.ended('ship', { files: 1, bytes: 1 });
          const nonce = /@@slipway-step-([^@]+)@@/.exec(spec.command[2]!)![1]!;
          sink.stdout(`@@slipway-step-${nonce}@@ start 0\n@@slipway-step-${nonce}@@ end 0 0\n`);
          spec.ship!.started('copyBack');
          throw new SlipwayError('unreachable', 'Lost the Docker engine at tcp://x during the copy of the results');
        },
      };
      await assert.rejects(
        runBuild({ runId: 'r1', workspaceDir: '/w', config: config.build, owner: { hostname: 'h', pid: 1 }, ship: { engine: 'cluster prod-like' } }, builder, events),
        (e) => SlipwayError.is(e, 'unreachable'),
      );
      return seen;
    };
    const ends = (seen: RunEvent[]): string[] => seen.filter((e) => e.type === 'stageEnded').map((e) => (e.type === 'stageEnded' ? `${e.stage} ${e.result}` : ''));
    assert.deepEqual(ends(await run('copyBack')), [`${SHIP_STAGE} passed`, 'build: make passed', `${COPY_BACK_STAGE} failed`]);
    assert.deepEqual(ends(await run('ship')), [`${SHIP_STAGE} failed`, `${COPY_BACK_STAGE} skipped`, 'build: make skipped']);
  });
});

describe('workspace bind mounts of a test compose file', () => {
  it('are found in the short and long forms; named volumes and absolute paths are not binds of the workspace', () => {
    const model = parseComposeModel(
      `services:
  tests:
    image: t
    volumes:
      - ./reports:/reports
      - ./config:/config:ro
      - data:/data
      - /var/run/docker.sock:/var/run/docker.sock
      - { type: bind, source: ../shared, target: /shared, read_only: true }
      - { type: volume, source: cache, target: /cache }
`,
      'docker-compose.test.yml',
    );
    assert.deepEqual(model.binds, [
      { service: 'tests', source: './reports', target: '/reports', readOnly: false },
      { service: 'tests', source: './config', target: '/config', readOnly: true },
      { service: 'tests', source: '../shared', target: '/shared', readOnly: true },
    ]);
  });

  it('are replaced by external volumes mounted at the same targets', () => {
    const text = shippedBindsOverride([{ bind: { service: 'tests', source: './config', target: '/config', readOnly: true }, volume: 'p_shipped_0' }], '3.8');
    assert.equal(text, `version: "3.8"\nservices:\n  tests:\n    volumes:\n      - type: volume\n        source: p_shipped_0\n        target: /config\n        read_only: true\nvolumes:\n  p_shipped_0:\n    external: true\n`);
  });
});
