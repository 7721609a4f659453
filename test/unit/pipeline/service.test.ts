import * as assert from 'node:assert/strict';
import type { SlipwayConfig } from '../../../src/core/config/model';
import { latestRecords, pipelineViewState, settleRecord, type PipelineRunRecord, type RunHistoryStore } from '../../../src/core/pipeline';
import { runPipelineFor, type PipelineDependencies } from '../../../src/app/pipeline/run';
import type { PipelineToolkit } from '../../../src/app/pipeline/toolkit';

/** Appended lines like the real store; `records` is the newest record of each run. */
class MemoryHistory implements RunHistoryStore {
  lines: PipelineRunRecord[] = [];
  get records(): PipelineRunRecord[] {
    return latestRecords(this.lines);
  }
  logs = new Map<string, string>();
  async saveLog(runId: string, text: string) {
    this.logs.set(runId, text);
  }
  async readLog(runId: string) {
    return this.logs.get(runId);
  }
  live = new Map<string, string[]>();
  async openLog(runId: string) {
    const lines: string[] = [];
    this.live.set(runId, lines);
    return { write: (l: readonly string[]) => void lines.push(...l), flush: async () => undefined, close: async () => undefined };
  }
  async append(r: PipelineRunRecord) {
    this.lines.push(r);
  }
  async recent(o: { branch?: string; limit?: number } = {}) {
    return this.records.filter((r) => !o.branch || r.branch === o.branch).reverse().sort((a, b) => b.startedAt - a.startedAt).slice(0, o.limit ?? 50);
  }
}

const CONFIG: SlipwayConfig = {
  version: 1,
  package: { image: 'go-auth', dockerfile: 'Dockerfile', context: '.', buildArgs: {} },
  clusters: [{ name: 'production', role: 'production', host: 'unix:///p.sock', source: 'slipway.yml' }],
  deploy: { service: 'go-auth', registry: 'localhost:5000', production: { compose: 'c.yml', test: 'smoke' } },
  pipeline: { mode: 'delivery', stages: ['checkout', 'build', 'deploy-production', 'production-tests'] },
};

function deps(history: RunHistoryStore, tools: PipelineToolkit): PipelineDependencies {
  const files = { files: { readText: async (path: string) => (path === '/ws/c.yml' ? 'services:\n  smoke:\n    image: x\n' : Promise.reject(new Error('ENOENT'))) }, resolvePath: (dir: string, rel: string) => `${dir}/${rel}` };
  return { toolkit: tools, history: async () => history, loadConfig: async () => CONFIG, owner: 'ci-host:4242', files };
}

function toolkit(deployed: string[]): PipelineToolkit {
  const unused = async (): Promise<never> => {
    throw new Error('not used');
  };
  return {
    describeWorkspace: async () => ({ branch: 'develop', commit: 'abc1234', changes: [], version: 'develop' }),
    runBuilder: unused,
    packageImage: async (o) => ({ image: `go-auth:${o.version}` }),
    pushImage: async (o) => ({ reference: `${o.registry}/go-auth@sha256:${'b'.repeat(64)}`, digest: `sha256:${'b'.repeat(64)}`, tag: `${o.registry}/go-auth:${o.version}` }),
    startStaging: unused,
    deploy: async (o) => {
      deployed.push(`${o.image} confirmed=${o.confirmed}`);
      return { message: 'deployed' };
    },
    rollback: unused,
    serviceUrl: async () => undefined,
    deployStack: unused,
    rollbackStack: unused,
    stackUrl: unused,
    runTestContainer: async () => undefined,
  };
}

describe('pipeline service (run, record, resume)', () => {
  it('pauses in delivery mode, records the run, and the resumed run deploys the digest the paused run built', async () => {
    const history = new MemoryHistory();
    const deployed: string[] = [];
    const dependencies = deps(history, toolkit(deployed));
    const common = { workspaceDir: '/ws', config: CONFIG, signal: new AbortController().signal };
    const first = await runPipelineFor(dependencies, { ...common, runId: 'one' });
    assert.equal(first.status, 'paused');
    assert.deepEqual(deployed, []);
    assert.equal(history.records.length, 1);
    assert.equal(history.records[0]!.artifacts.image, `localhost:5000/go-auth@sha256:${'b'.repeat(64)}`);

    const second = await runPipelineFor(dependencies, { ...common, runId: 'two', from: 'deploy-production' });
    assert.equal(second.status, 'passed');
    assert.deepEqual(deployed, [`localhost:5000/go-auth@sha256:${'b'.repeat(64)} confirmed=true`]);
    assert.equal(history.records.length, 2);
    assert.match(history.logs.get('one')!, /^Pipeline one on develop @ develop \(delivery\), paused\n==> \[1\/4\] checkout: Checkout\n/);
    assert.match(history.logs.get('one')!, /^WAIT deploy-production: waiting for approval/m);
    assert.doesNotMatch(history.logs.get('two')!, /checkout/, 'stages a run did not select are not in its log');
    // While it ran, the log was written as it went: the header, each stage's start and verdict, in order.
    const live = history.live.get('one')!;
    assert.equal(live[0], 'Pipeline one on develop @ develop (4 stages)');
    assert.ok(live.indexOf('==> [1/4] checkout: Checkout') < live.findIndex((l) => l.startsWith('PASS checkout')), live.join('\n'));
    assert.match(live.join('\n'), /^WAIT deploy-production: waiting for approval/m);

    const state = pipelineViewState({ mode: 'delivery', busy: false, history: await history.recent() });
    assert.equal(state.run!.runId, 'two', 'the view shows the newest run when none is live');
    assert.equal(state.run!.fromHistory, true);
    assert.equal(state.awaitingApproval, false);
    assert.deepEqual(state.history.map((g) => [g.branch, g.runs.map((r) => r.status)]), [['develop', ['passed', 'paused']]]);
  });

  it('the view offers approval for a paused run only while nothing runs', async () => {
    const history = new MemoryHistory();
    await runPipelineFor(deps(history, toolkit([])), { workspaceDir: '/ws', config: CONFIG, signal: new AbortController().signal, runId: 'p' });
    assert.equal(pipelineViewState({ mode: 'delivery', busy: false, history: history.records }).awaitingApproval, true);
    assert.equal(pipelineViewState({ mode: 'delivery', busy: true, history: history.records }).awaitingApproval, false);
  });

  it('the mode flag overrides slipway.yml: deployment runs through production', async () => {
    const deployed: string[] = [];
    const view = await runPipelineFor(deps(new MemoryHistory(), toolkit(deployed)), { workspaceDir: '/ws', config: CONFIG, mode: 'deployment', signal: new AbortController().signal });
    assert.equal(view.status, 'passed');
    assert.equal(deployed.length, 1);
  });

  it('caps the log sent to the view and counts the lines', () => {
    const log = Array.from({ length: 450 }, (_, i) => `line ${i}`);
    const state = pipelineViewState({
      mode: 'delivery',
      busy: true,
      current: { runId: 'r', mode: 'delivery', branch: 'b', commit: 'c', version: 'v', startedAt: 1, status: 'running', artifacts: {}, stages: [{ id: 'build', title: 'Build', state: 'running', log }] },
      history: [],
    });
    const s = state.run!.stages[0]!;
    assert.equal(s.logLines, 450);
    assert.equal(s.log.length, 200);
    assert.equal(s.log[0], 'line 250');
  });

  it('records the run when it starts and as each stage starts, so a run whose process died shows as interrupted where it stopped', async () => {
    const history = new MemoryHistory();
    let atDeploy: PipelineRunRecord | undefined;
    const tools: PipelineToolkit = {
      ...toolkit([]),
      deploy: async () => {
        atDeploy = history.records[0];
        return { message: 'deployed' };
      },
    };
    await runPipelineFor(deps(history, tools), { workspaceDir: '/ws', config: CONFIG, yes: true, signal: new AbortController().signal, runId: 'k' });
    assert.ok(history.lines[0] && history.lines[0].status === 'running', 'the first line is written before any stage works');
    assert.equal(atDeploy?.status, 'running');
    assert.equal(atDeploy?.owner, 'ci-host:4242');
    assert.deepEqual(atDeploy?.stages.filter((s) => s.state !== 'skipped').map((s) => [s.id, s.state]), [['checkout', 'passed'], ['build', 'passed'], ['deploy-production', 'running'], ['production-tests', 'waiting']]);
    assert.equal(history.records[0]!.status, 'passed', 'the end replaces the running record');
    assert.equal(history.records[0]!.owner, undefined);

    const dead = settleRecord(atDeploy!, (owner) => owner === 'ci-host:4242');
    assert.equal(dead.status, 'interrupted');
    assert.equal(dead.failedStage, 'deploy-production');
    assert.match(dead.reason ?? '', /the process running it \(ci-host:4242\) died during deploy-production/);
    assert.deepEqual(dead.stages.filter((s) => s.state === 'passed').map((s) => s.id), ['checkout', 'build'], 'the stages it reached');
    assert.equal(settleRecord(atDeploy!, () => false).status, 'running', 'a live owner is still running');
  });

  it('preflight refuses a run with every problem at once, before any stage (nothing built, nothing recorded)', async () => {
    const history = new MemoryHistory();
    const called: string[] = [];
    const tools: PipelineToolkit = { ...toolkit([]), describeWorkspace: async () => (called.push('git'), { branch: 'develop', commit: 'abc1234', changes: [], version: 'develop' }) };
    const config: SlipwayConfig = {
      version: 1,
      package: { image: 'go-auth', dockerfile: 'Dockerfile', context: '.', buildArgs: {} },
      integration: { compose: 'missing.yml', test: 'tests', parallel: 1, readyTimeoutSeconds: 5, testTimeoutSeconds: 5 },
      clusters: [{ name: 'production', role: 'production', host: 'unix:///p.sock', source: 'slipway.yml' }],
      deploy: { service: 'go-auth', readiness: { compose: 'c.yml', test: 'nope' } },
      pipeline: { mode: 'deployment' },
    };
    await assert.rejects(
      runPipelineFor(deps(history, tools), { workspaceDir: '/ws', config, signal: new AbortController().signal }),
      (e: Error & { kind?: string; details?: { problems?: string[] } }) => {
        assert.equal(e.kind, 'config');
        assert.deepEqual(e.details?.problems, [
          'unit-tests needs build: { image, steps }',
          'deploy-prod-like needs a cluster with role prod-like under clusters:',
          'production-tests needs deploy.production: { compose: FILE, test: SERVICE }',
          'integration.compose names missing.yml, which cannot be read (missing?)',
          'c.yml (deploy.readiness.compose) defines no service nope; it has smoke',
        ]);
        assert.match(e.message, /^The pipeline cannot start: slipway\.yml lacks what its stages need \(5 problems\):\n  - unit-tests needs/);
        return true;
      },
    );
    assert.deepEqual(called, [], 'refused before git, the janitor or any stage');
    assert.equal(history.lines.length, 0);
  });
});
