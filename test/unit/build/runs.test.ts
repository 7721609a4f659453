import * as assert from 'node:assert/strict';
import { parseMarker } from '../../../src/core/build/builderScript';
import { runBuild } from '../../../src/core/build/buildRun';
import { runIntegration } from '../../../src/core/build/integrationRun';
import { runPackage } from '../../../src/core/build/packageRun';
import type { BuilderContainerSpec, BuilderPort, ComposeEnvironment, ComposePort, OutputSink, ServiceContainerState } from '../../../src/core/build/ports';
import type { BuildConfig, IntegrationConfig } from '../../../src/core/config/model';
import { SlipwayError, cancelledError } from '../../../src/core/errors';
import { RunEvents, type RunEvent } from '../../../src/core/run/events';

const owner = { hostname: 'vm', pid: 1 };
const join = (d: string, r: string): string => `${d}/${r}`;

function recorder(): { events: RunEvents; seen: RunEvent[]; summary: () => string[] } {
  const events = new RunEvents();
  const seen: RunEvent[] = [];
  events.on((e) => seen.push(e));
  const summary = (): string[] =>
    seen.map((e) =>
      e.type === 'log' ? `log ${e.stage} ${e.stream} ${e.text}` : e.type === 'stageEnded' ? `end ${e.stage} ${e.result}` : e.type === 'runEnded' ? `run ${e.result}` : e.type === 'stageStarted' ? `start ${e.stage}` : 'runStarted',
    );
  return { events, seen, summary };
}

/** A builder that "runs" the script by replaying marker lines with the given exit codes per step. */
function scriptedBuilder(codes: number[], output: (i: number) => string = (i) => `out ${i}\n`): BuilderPort & { spec?: BuilderContainerSpec } {
  const port: BuilderPort & { spec?: BuilderContainerSpec } = {
    async runContainer(spec, sink) {
      port.spec = spec;
      const script = spec.command[2]!;
      const nonce = /@@slipway-step-([^@]+)@@/.exec(script)![1]!;
      for (let i = 0; i < codes.length; i++) {
        sink.stdout(`@@slipway-step-${nonce}@@ start ${i}\n${output(i)}`);
        sink.stderr(`warn ${i}\n`);
        sink.stdout(`@@slipway-step-${nonce}@@ end ${i} ${codes[i]}\n`);
        if (codes[i] !== 0) return { exitCode: codes[i]! };
      }
      assert.ok(parseMarker(`@@slipway-step-${nonce}@@ start 0`, nonce));
      return { exitCode: 0 };
    },
  };
  return port;
}

const buildConfig: BuildConfig = {
  image: 'builder:1',
  workdir: '/src',
  env: { SOURCE_PATH: '/src' },
  user: 'host',
  steps: [
    { name: 'deps', command: ['sh', '-c', 'echo deps'] },
    { name: 'test', command: ['sh', '-c', 'echo test'] },
    { name: 'compile', command: ['sh', '-c', 'echo compile'] },
  ],
};

describe('build run', () => {
  it('streams each step as a stage and passes when every step exits 0', async () => {
    const r = recorder();
    const builder = scriptedBuilder([0, 0, 0]);
    const result = await runBuild({ runId: 'r1', workspaceDir: '/ws', config: buildConfig, hostUser: { uid: 1000, gid: 1000 }, owner }, builder, r.events);
    assert.equal(result.verdict, 'passed');
    assert.equal(result.exitCode, 0);
    assert.deepEqual(result.steps.map((s) => s.result), ['passed', 'passed', 'passed']);
    assert.deepEqual(r.summary().slice(0, 6), ['runStarted', 'start build: deps', 'log build: deps stdout out 0', 'log build: deps stderr warn 0', 'end build: deps passed', 'start build: test']);
    assert.equal(r.summary().at(-1), 'run passed');
    assert.ok(!r.seen.some((e) => e.type === 'log' && e.text.includes('@@slipway-step')), 'markers never reach the log');
    assert.equal(builder.spec!.user, '1000:1000');
    assert.equal(builder.spec!.workspaceDir, '/ws');
    assert.equal(builder.spec!.labels['io.slipway.run'], 'r1');
    assert.equal(builder.spec!.labels['io.slipway.kind'], 'build');
    assert.equal(builder.spec!.env['SOURCE_PATH'], '/src');
  });

  it('stops at the failing step: its exit code is the verdict and later steps are skipped', async () => {
    const r = recorder();
    const result = await runBuild({ runId: 'r2', workspaceDir: '/ws', config: buildConfig, owner }, scriptedBuilder([0, 4]), r.events);
    assert.equal(result.verdict, 'failed');
    assert.equal(result.exitCode, 4);
    assert.deepEqual(result.steps.map((s) => s.result), ['passed', 'failed', 'skipped']);
    assert.equal(result.message, 'Step test failed with exit code 4');
    assert.ok(r.summary().includes('end build: compile skipped'));
  });

  it('a cancelled build ends the running step as cancelled and resolves with exit code 130', async () => {
    const r = recorder();
    const controller = new AbortController();
    const builder: BuilderPort = {
      async runContainer(spec, sink, signal) {
        const nonce = /@@slipway-step-([^@]+)@@/.exec(spec.command[2]!)![1]!;
        sink.stdout(`@@slipway-step-${nonce}@@ start 0\nworking\n`);
        controller.abort();
        assert.ok(signal?.aborted);
        throw cancelledError('The build');
      },
    };
    const result = await runBuild({ runId: 'r3', workspaceDir: '/ws', config: buildConfig, owner }, builder, r.events, controller.signal);
    assert.equal(result.verdict, 'cancelled');
    assert.equal(result.exitCode, 130);
    assert.ok(r.summary().includes('end build: deps cancelled'));
    assert.equal(r.summary().at(-1), 'run cancelled');
  });

  it('an engine error (missing builder image) ends the run as failed and is thrown with its hint', async () => {
    const r = recorder();
    const builder: BuilderPort = {
      runContainer: () => Promise.reject(new SlipwayError('notFound', 'The builder image nope:1 is not present', { hint: 'Build it' })),
    };
    await assert.rejects(runBuild({ runId: 'r4', workspaceDir: '/ws', config: buildConfig, owner }, builder, r.events), (e) => SlipwayError.is(e, 'notFound'));
    assert.deepEqual(r.summary().filter((s) => s.startsWith('end')), ['end build: deps skipped', 'end build: test skipped', 'end build: compile skipped']);
    assert.equal(r.summary().at(-1), 'run failed');
  });

  it('a missing build section is a config error naming what to add', async () => {
    await assert.rejects(runBuild({ runId: 'r5', workspaceDir: '/ws', config: undefined, owner }, scriptedBuilder([]), new RunEvents()), /slipway.yml has no build section/);
  });
});

describe('package run', () => {
  it('tags NAME:VERSION from the v* tag on HEAD and reports id and size', async () => {
    const r = recorder();
    let tags: readonly string[] = [];
    const result = await runPackage(
      { runId: 'p1', workspaceDir: '/ws', config: { image: 'go-auth', dockerfile: 'Dockerfile', context: '.', buildArgs: {} }, owner, resolvePath: join },
      {
        git: { tagsOnHead: async () => ['v1.4.0'] },
        images: {
          async buildImage(spec, onLog) {
            tags = spec.tags;
            assert.equal(spec.contextDir, '/ws/.');
            onLog('Step 1/2 : FROM x');
            return { id: 'sha256:abc', sizeBytes: 2_000_000 };
          },
        },
      },
      r.events,
    );
    assert.deepEqual(tags, ['go-auth:1.4.0']);
    assert.equal(result.image, 'go-auth:1.4.0');
    assert.equal(result.versionSource, 'tag');
    assert.equal(result.imageId, 'sha256:abc');
    assert.ok(r.seen.some((e) => e.type === 'log' && e.text === 'image go-auth:1.4.0 sha256:abc 2.0 MB'));
  });

  it('a failing image build fails the run and is thrown', async () => {
    const r = recorder();
    await assert.rejects(
      runPackage(
        { runId: 'p2', workspaceDir: '/ws', config: { image: 'go-auth', dockerfile: 'Dockerfile', context: '.', buildArgs: {} }, owner, resolvePath: join, versionOverride: '9.9.9' },
        { git: { tagsOnHead: async () => [] }, images: { buildImage: () => Promise.reject(new SlipwayError('docker', 'The image build failed: boom')) } },
        r.events,
      ),
      /boom/,
    );
    assert.deepEqual(r.summary().slice(-2), ['end package: image failed', 'run failed']);
  });
});

const composeText = ['version: "3.8"', 'services:', '  db: { image: redis }', '  app:', '    image: ${SLIPWAY_IMAGE}', '    depends_on: [db]', '    ports: ["127.0.0.1:${APP_PORT}:3000"]', '  tests:', '    image: t', '    depends_on: [app]'].join('\n');

const integrationConfig: IntegrationConfig = { compose: 'compose.yml', test: 'tests', parallel: 1, readyTimeoutSeconds: 5, testTimeoutSeconds: 5 };

interface FakeCompose extends ComposePort {
  calls: string[];
  envs: ComposeEnvironment[];
}

function fakeCompose(behaviour: {
  up?: (env: ComposeEnvironment) => Promise<void>;
  state?: (env: ComposeEnvironment) => ServiceContainerState;
  run?: (env: ComposeEnvironment, sink: OutputSink, signal?: AbortSignal) => Promise<{ exitCode: number }>;
}): FakeCompose {
  const calls: string[] = [];
  const envs: ComposeEnvironment[] = [];
  return {
    calls,
    envs,
    async up(env, services) {
      envs.push(env);
      calls.push(`up ${env.projectName} ${services.join(',')}`);
      await behaviour.up?.(env);
    },
    async serviceState(env) {
      return behaviour.state?.(env) ?? { found: true, status: 'running', health: 'healthy', publishedPorts: [] };
    },
    portAnswers: async () => true,
    async runService(env, service, sink, _t, signal) {
      calls.push(`run ${env.projectName} ${service}`);
      if (behaviour.run) return behaviour.run(env, sink, signal);
      sink.stdout('PUT /user 200\nPUT /user 409\n');
      return { exitCode: 0 };
    },
    async down(env) {
      calls.push(`down ${env.projectName}`);
    },
  };
}

function integrationPorts(compose: ComposePort): Parameters<typeof runIntegration>[1] {
  let next = 20000;
  return {
    compose,
    portAllocator: { freePorts: async (n) => Array.from({ length: n }, () => next++) },
    files: { readText: async () => composeText },
  };
}

describe('integration run', () => {
  it('brings the app up, waits, runs the test service, takes its output and always tears down', async () => {
    const r = recorder();
    const compose = fakeCompose({});
    const result = await runIntegration(
      { runId: 'i1', workspaceDir: '/ws', config: integrationConfig, image: 'go-auth:develop', version: 'develop', owner, resolvePath: join, pollMs: 1 },
      integrationPorts(compose),
      r.events,
    );
    assert.equal(result.verdict, 'passed');
    assert.equal(result.exitCode, 0);
    assert.deepEqual(compose.calls, ['up slipway_i1_1 app', 'run slipway_i1_1 tests', 'down slipway_i1_1']);
    assert.equal(result.environments[0]!.output, 'PUT /user 200\nPUT /user 409\n');
    const env = compose.envs[0]!;
    assert.deepEqual(env.env, { SLIPWAY_IMAGE: 'go-auth:develop', SLIPWAY_VERSION: 'develop', APP_PORT: '20000' });
    assert.equal(env.composeFile, '/ws/compose.yml');
    assert.match(env.labelOverride, /io\.slipway\.run: i1/);
  });

  it('a failing test service fails the verdict with its exit code and output', async () => {
    const compose = fakeCompose({
      run: async (_e, sink) => {
        sink.stdout('expected 409, got 200\n');
        return { exitCode: 1 };
      },
    });
    const result = await runIntegration({ runId: 'i2', workspaceDir: '/ws', config: integrationConfig, owner, resolvePath: join }, integrationPorts(compose), new RunEvents());
    assert.equal(result.verdict, 'failed');
    assert.equal(result.exitCode, 1);
    assert.equal(result.environments[0]!.exitCode, 1);
    assert.match(result.environments[0]!.output, /expected 409, got 200/);
    assert.match(result.message!, /tests exited with code 1/);
    assert.equal(compose.calls.at(-1), 'down slipway_i2_1');
  });

  it('runs N environments at once, each with its own project and host ports', async () => {
    const compose = fakeCompose({});
    const result = await runIntegration({ runId: 'i3', workspaceDir: '/ws', config: integrationConfig, parallel: 3, owner, resolvePath: join }, integrationPorts(compose), new RunEvents());
    assert.equal(result.verdict, 'passed');
    assert.deepEqual(result.environments.map((e) => e.projectName), ['slipway_i3_1', 'slipway_i3_2', 'slipway_i3_3']);
    assert.equal(new Set(compose.envs.map((e) => e.env['APP_PORT'])).size, 3);
    assert.equal(compose.calls.filter((c) => c.startsWith('down')).length, 3);
  });

  it('an app that never gets ready times out with a clear message, and is torn down', async () => {
    const compose = fakeCompose({ state: () => ({ found: true, status: 'running', health: 'starting', publishedPorts: [] }) });
    const config = { ...integrationConfig, readyTimeoutSeconds: 0.05 };
    const result = await runIntegration({ runId: 'i4', workspaceDir: '/ws', config, owner, resolvePath: join, pollMs: 5 }, integrationPorts(compose), new RunEvents());
    assert.equal(result.verdict, 'failed');
    assert.equal(result.environments[0]!.error!.kind, 'timeout');
    assert.match(result.environments[0]!.error!.message, /app was not ready within 0 s: app is starting/);
    assert.deepEqual(compose.calls, ['up slipway_i4_1 app', 'down slipway_i4_1']);
  });

  it('a compose failure (port taken) is reported with its cause and still torn down', async () => {
    const compose = fakeCompose({ up: () => Promise.reject(new SlipwayError('docker', 'Host port 18090 is already in use', { hint: 'Stop it' })) });
    const result = await runIntegration({ runId: 'i5', workspaceDir: '/ws', config: integrationConfig, owner, resolvePath: join }, integrationPorts(compose), new RunEvents());
    assert.equal(result.verdict, 'failed');
    assert.deepEqual(result.environments[0]!.error, { kind: 'docker', message: 'Host port 18090 is already in use', hint: 'Stop it' });
    assert.equal(compose.calls.at(-1), 'down slipway_i5_1');
  });

  it('cancelling during the test tears down and ends cancelled', async () => {
    const controller = new AbortController();
    const compose = fakeCompose({
      run: async () => {
        controller.abort();
        throw cancelledError('tests');
      },
    });
    const result = await runIntegration({ runId: 'i6', workspaceDir: '/ws', config: integrationConfig, owner, resolvePath: join }, integrationPorts(compose), new RunEvents(), controller.signal);
    assert.equal(result.verdict, 'cancelled');
    assert.equal(result.exitCode, 130);
    assert.equal(compose.calls.at(-1), 'down slipway_i6_1');
  });

  it('an unknown test service is a config error before anything starts', async () => {
    const compose = fakeCompose({});
    await assert.rejects(
      runIntegration({ runId: 'i7', workspaceDir: '/ws', config: { ...integrationConfig, test: 'e2e' }, owner, resolvePath: join }, integrationPorts(compose), new RunEvents()),
      (e) => SlipwayError.is(e, 'config') && /test service "e2e" is not defined in compose.yml/.test(e.message),
    );
    assert.deepEqual(compose.calls, []);
  });
});
