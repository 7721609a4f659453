import * as assert from 'node:assert/strict';
import type { SlipwayConfig } from '../../../src/core/config/model';
import { SlipwayError } from '../../../src/core/errors';
import { STAGE_IDS, runPipeline, type PipelineMode } from '../../../src/core/pipeline';
import { createPipelineExecutors } from '../../../src/app/pipeline/executors';
import type { PipelineToolkit } from '../../../src/app/pipeline/toolkit';

const CONFIG: SlipwayConfig = {
  version: 1,
  build: { image: 'builder', workdir: '/src', env: {}, user: 'host', steps: [{ name: 'test', command: ['t'] }, { name: 'compile', command: ['c'] }] },
  package: { image: 'go-auth', dockerfile: 'Dockerfile', context: '.', buildArgs: {} },
  integration: { compose: 'docker-compose.test.yml', test: 'tests', parallel: 1, readyTimeoutSeconds: 120, testTimeoutSeconds: 600 },
  clusters: [
    { name: 'prod-like', role: 'prod-like', host: 'unix:///a.sock', source: 'slipway.yml' },
    { name: 'production', role: 'production', host: 'unix:///b.sock', source: 'slipway.yml' },
  ],
  deploy: {
    service: 'go-auth',
    registry: 'localhost:5000',
    readiness: { compose: 'docker-compose.test.yml', test: 'readiness' },
    production: { compose: 'docker-compose.test.yml', test: 'smoke' },
  },
};

function fakeToolkit(fail: Partial<Record<string, string>> = {}, dirty: string[] = []) {
  const calls: string[] = [];
  const check = (what: string) => {
    calls.push(what);
    if (fail[what]) throw new SlipwayError('testFailed', fail[what]!);
  };
  const tools: PipelineToolkit = {
    describeWorkspace: async () => ({ branch: 'develop', commit: 'c0ffee1234', changes: dirty, version: '1.2.0' }),
    runBuilder: async (o) => check(`builder ${o.steps.map((s) => s.name).join('+')}`),
    packageImage: async (o) => {
      check(`package ${o.version}`);
      return { image: `go-auth:${o.version}` };
    },
    pushImage: async (o) => {
      check(`push ${o.image} ${o.registry}`);
      return { reference: `${o.registry}/go-auth@sha256:${'a'.repeat(64)}`, digest: `sha256:${'a'.repeat(64)}`, tag: `${o.registry}/go-auth:${o.version}` };
    },
    startStaging: async (o) => {
      check(`staging up ${o.image}`);
      return {
        runTests: async () => check('staging tests'),
        down: async () => void calls.push('staging down'),
      };
    },
    deploy: async (o) => {
      check(`deploy ${o.cluster.name} ${o.image} confirmed=${o.confirmed}`);
      return { message: `${o.service} on ${o.cluster.name} runs ${o.version}`, previousImage: 'localhost:5000/go-auth:1.1.0' };
    },
    rollback: async (o) => {
      check(`rollback ${o.cluster.name} ${o.service}`);
      return { message: 'go-auth on production back on 1.1.0' };
    },
    serviceUrl: async (o) => `http://127.0.0.1:${o.cluster.name === 'production' ? 18201 : 18101}`,
    deployStack: async (o) => {
      check(`deployStack ${o.cluster.name} ${o.image}@${o.digest ?? '-'} confirmed=${o.confirmed}`);
      const skipped = fail[`skip ${o.cluster.name}`] !== undefined;
      return { message: skipped ? 'nothing to do' : `release #4`, skipped, ...(skipped ? {} : { release: 4, previousRelease: 3 }) };
    },
    rollbackStack: async (o) => {
      check(`rollbackStack ${o.cluster.name} to ${o.to}`);
      return { message: `back at release #${o.to}` };
    },
    stackUrl: async (o) => `http://10.0.0.9:${o.cluster.name === 'production' ? 18200 : 18100}`,
    runTestContainer: async (o) => check(`test ${o.test} on ${o.cluster.name} at ${o.targetUrl}`),
  };
  return { tools, calls };
}

async function runWith(tools: PipelineToolkit, mode: PipelineMode = 'deployment', config: SlipwayConfig = CONFIG) {
  const set = createPipelineExecutors(tools);
  try {
    return await runPipeline({
      runId: 'r', workspaceDir: '/ws', config, branch: 'develop', commit: 'c0ffee1234', version: 'develop', mode,
      stages: STAGE_IDS, selected: STAGE_IDS, executors: set.executors, rollback: set.rollback, signal: new AbortController().signal,
    });
  } finally {
    await set.cleanup();
  }
}

const DIGEST_REF = `localhost:5000/go-auth@sha256:${'a'.repeat(64)}`;

describe('pipeline stage executors', () => {
  it('compose build, push by digest, staging, and deploys by digest in stage order', async () => {
    const { tools, calls } = fakeToolkit();
    const view = await runWith(tools);
    assert.equal(view.status, 'passed');
    assert.deepEqual(calls, [
      'builder test',
      'builder compile',
      'package 1.2.0',
      'push go-auth:1.2.0 localhost:5000',
      'staging up go-auth:1.2.0',
      'staging tests',
      'staging down',
      `deploy prod-like ${DIGEST_REF} confirmed=true`,
      'test readiness on prod-like at http://127.0.0.1:18101',
      `deploy production ${DIGEST_REF} confirmed=true`,
      'test smoke on production at http://127.0.0.1:18201',
    ]);
    assert.equal(view.artifacts.version, '1.2.0', 'checkout resolves the version from git');
  });

  it('never deploys the moving develop tag when no run on this commit pushed an image', async () => {
    const { tools, calls } = fakeToolkit();
    const set = createPipelineExecutors(tools);
    const view = await runPipeline({
      runId: 'r', workspaceDir: '/ws', config: CONFIG, branch: 'develop', commit: 'c0ffee1234', version: 'develop', mode: 'deployment',
      stages: STAGE_IDS, selected: ['deploy-prod-like'], executors: set.executors, signal: new AbortController().signal,
    });
    await set.cleanup();
    assert.equal(view.failedStage, 'deploy-prod-like');
    assert.match(view.reason!, /No image built from this commit to deploy.*"develop" tag may hold another commit's image/);
    assert.ok(!calls.some((c) => c.startsWith('deploy')), calls.join('\n'));
  });

  it('deploys a release version by its registry tag when no run on this commit pushed an image', async () => {
    const { tools, calls } = fakeToolkit();
    const set = createPipelineExecutors(tools);
    const view = await runPipeline({
      runId: 'r', workspaceDir: '/ws', config: CONFIG, branch: 'master', commit: 'c0ffee1234', version: '1.2.0', mode: 'deployment',
      stages: STAGE_IDS, selected: ['deploy-prod-like'], executors: set.executors, signal: new AbortController().signal,
    });
    await set.cleanup();
    assert.equal(view.status, 'passed', view.reason);
    assert.deepEqual(calls, ['deploy prod-like localhost:5000/go-auth:1.2.0 confirmed=true']);
  });

  it('checkout refuses a dirty tree and names the files', async () => {
    const { tools, calls } = fakeToolkit({}, [' M main.go', '?? notes.txt']);
    const view = await runWith(tools);
    assert.equal(view.failedStage, 'checkout');
    assert.match(view.reason!, /uncommitted changes \( M main.go, \?\? notes.txt\)/);
    assert.deepEqual(calls, []);
  });

  it('a failing functional test tears staging down and stops before prod-like', async () => {
    const { tools, calls } = fakeToolkit({ 'staging tests': 'tests exited with code 1' });
    const view = await runWith(tools);
    assert.equal(view.failedStage, 'functional-tests');
    assert.ok(calls.includes('staging down'));
    assert.ok(!calls.some((c) => c.startsWith('deploy')));
  });

  it('a failing production test rolls production back through the swarm rollback', async () => {
    const { tools, calls } = fakeToolkit({ 'test smoke on production at http://127.0.0.1:18201': 'smoke exited with code 1' });
    const view = await runWith(tools);
    assert.equal(calls.at(-1), 'rollback production go-auth');
    assert.equal(view.reason, 'smoke exited with code 1; production rolled back: go-auth on production back on 1.1.0');
  });

  it('staging left up by a run that stops after deploy-staging is torn down by cleanup', async () => {
    const { tools, calls } = fakeToolkit();
    const set = createPipelineExecutors(tools);
    await runPipeline({
      runId: 'r', workspaceDir: '/ws', config: CONFIG, branch: 'b', commit: 'c', version: 'develop', mode: 'delivery',
      stages: STAGE_IDS, selected: ['deploy-staging'], executors: set.executors, signal: new AbortController().signal,
    });
    assert.ok(!calls.includes('staging down'));
    await set.cleanup();
    assert.equal(calls.at(-1), 'staging down');
  });

  it('a missing production cluster fails deploy-production with a config error and a hint', async () => {
    const { tools } = fakeToolkit();
    const config: SlipwayConfig = { ...CONFIG, clusters: CONFIG.clusters.filter((c) => c.role !== 'production') };
    const view = await runWith(tools, 'deployment', config);
    assert.equal(view.failedStage, 'deploy-production');
    assert.equal(view.reason, 'No cluster with role production in slipway.yml');
  });

  it('deploying without a build in this run uses the registry tag of the version', async () => {
    const { tools, calls } = fakeToolkit();
    const set = createPipelineExecutors(tools);
    await runPipeline({
      runId: 'r', workspaceDir: '/ws', config: CONFIG, branch: 'b', commit: 'c', version: '1.0.0', mode: 'delivery',
      stages: STAGE_IDS, selected: ['deploy-prod-like'], executors: set.executors, signal: new AbortController().signal,
    });
    assert.deepEqual(calls, ['deploy prod-like localhost:5000/go-auth:1.0.0 confirmed=true']);
  });
});

describe('pipeline stages on a stack (deploy.files)', () => {
  const STACK_CONFIG: SlipwayConfig = { ...CONFIG, deploy: { stack: 'go-auth', files: ['stack.yml'], app: 'app', registry: 'localhost:5000', readiness: CONFIG.deploy!.readiness!, production: CONFIG.deploy!.production! } };

  it('deploys the stack with the pushed tag pinned to its digest, tests at the app\'s published port, and rolls the stack back when production tests fail', async () => {
    const { tools, calls } = fakeToolkit({ 'test smoke on production at http://10.0.0.9:18200': 'smoke failed' });
    const view = await runWith(tools, 'deployment', STACK_CONFIG);
    assert.equal(view.status, 'failed');
    assert.ok(calls.includes(`deployStack prod-like localhost:5000/go-auth:1.2.0@sha256:${'a'.repeat(64)} confirmed=true`), calls.join('\n'));
    assert.ok(calls.includes('test readiness on prod-like at http://10.0.0.9:18100'), calls.join('\n'));
    assert.ok(calls.includes('rollbackStack production to 3'), calls.join('\n'));
    assert.match(view.stages.find((s) => s.id === 'production-tests')!.message ?? '', /production rolled back: back at release #3/);
  });

  it('shows a deploy of what already runs as skipped, not passed, and the run still passes', async () => {
    const { tools } = fakeToolkit({ 'skip prod-like': 'yes' });
    const view = await runWith(tools, 'deployment', STACK_CONFIG);
    assert.equal(view.status, 'passed');
    const stage = view.stages.find((s) => s.id === 'deploy-prod-like')!;
    assert.equal(stage.state, 'skipped');
    assert.match(stage.message ?? '', /already runs it/);
  });
});
