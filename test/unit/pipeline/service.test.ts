import * as assert from 'node:assert/strict';
import type { SlipwayConfig } from '../../../src/core/config/model';
import { pipelineViewState, type PipelineRunRecord, type RunHistoryStore } from '../../../src/core/pipeline';
import { runPipelineFor, type PipelineDependencies } from '../../../src/app/pipeline/run';
import type { PipelineToolkit } from '../../../src/app/pipeline/toolkit';

class MemoryHistory implements RunHistoryStore {
  records: PipelineRunRecord[] = [];
  logs = new Map<string, string>();
  async saveLog(runId: string, text: string) {
    this.logs.set(runId, text);
  }
  async readLog(runId: string) {
    return this.logs.get(runId);
  }
  async append(r: PipelineRunRecord) {
    this.records.push(r);
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
  return { toolkit: tools, history: async () => history, loadConfig: async () => CONFIG };
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
});
