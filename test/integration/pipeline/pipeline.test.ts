import * as assert from 'node:assert/strict';
import { pipelineCli, type PipelineCliRun } from '../../support/pipelineCli';
import { createPipelineWorkspace, type PipelineWorkspace } from '../../support/pipelineWorkspace';
import { dockerOk, execInNetns } from '../../support/rig';

type CliRun = PipelineCliRun;

/** `slipway --json pipeline …` in the workspace; the last stdout line is the run. */
function pipeline(ws: PipelineWorkspace, ...args: string[]): Promise<CliRun> {
  return pipelineCli(ws.dir, args);
}

const states = (r: CliRun) => Object.fromEntries(r.run.stages.map((s) => [s.id, s.state]));

describe('slipway pipeline on the rig: the go-auth fixture through the nine stages', function () {
  this.timeout(300_000);
  let ws: PipelineWorkspace;
  beforeEach(async () => {
    ws = await createPipelineWorkspace();
  });
  afterEach(async () => {
    await ws?.dispose();
  });

  it('deployment mode takes the fixture through all nine stages and ships the pushed digest to both clusters', async () => {
    await ws.configure({ mode: 'deployment' });
    const r = await pipeline(ws);
    assert.equal(r.code, 0, `${r.stderr}\n${r.run.failedStage}: ${r.run.reason}`);
    assert.deepEqual(Object.values(states(r)), Array(9).fill('passed'));
    const digestRef = r.run.artifacts.image!;
    assert.match(digestRef, new RegExp(`^${ws.rig.registry}/${ws.service}@sha256:[0-9a-f]{64}$`));
    assert.equal(await ws.serviceImage('prod-like'), digestRef);
    assert.equal(await ws.serviceImage('production'), digestRef);
    // a host-mode port answers only on the node that runs the task: ask from inside that node's network namespace
    const where = (await dockerOk(ws.rig.production.host, ['service', 'ps', ws.service, '--filter', 'desired-state=running', '--format', '{{.Node}}'])).split('\n')[0];
    const node = ws.rig.production.nodes.find((n) => n.name === where);
    assert.ok(node?.netns, `${ws.service} runs on ${where}, not a production node of the rig`);
    const health = await execInNetns(node.netns, ['node', '-e', `fetch('http://127.0.0.1:${ws.port}/health').then(r=>r.json()).then(b=>console.log(b.version))`]);
    assert.equal(health.stdout.trim(), 'develop', health.stderr);
  });

  it('a failing functional test stops the run before prod-like, which keeps its version', async () => {
    await ws.configure({ mode: 'deployment' });
    await ws.commitFile('tests/integration.js', "console.log('FAIL on purpose'); process.exit(1);\n", 'break the functional tests');
    const r = await pipeline(ws);
    assert.equal(r.code, 1);
    assert.equal(r.run.failedStage, 'functional-tests');
    assert.match(r.stderr, /slipway: pipeline failed at functional-tests: tests exited with code 1/);
    const s = states(r);
    assert.equal(s['deploy-staging'], 'passed');
    assert.equal(s['deploy-prod-like'], 'skipped');
    assert.equal(await ws.serviceImage('prod-like'), `${ws.rig.registry}/${ws.service}:0.9`);
  });

  it('a failing production test after the automatic deploy rolls production back to the previous version', async () => {
    await ws.configure({ mode: 'deployment', productionTest: 'broken', stages: ['checkout', 'build', 'deploy-production', 'production-tests'] });
    const r = await pipeline(ws);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.run.failedStage, 'production-tests');
    assert.equal(states(r)['deploy-production'], 'passed');
    assert.deepEqual(r.run.rollback?.ok, true, JSON.stringify(r.run.rollback));
    assert.match(r.run.reason ?? '', /broken exited with code 1 against production; production rolled back/);
    assert.match(r.stdout, /"type":"rolledBack"/);
    const image = await ws.serviceImage('production');
    assert.ok(image.startsWith(`${ws.rig.registry}/${ws.service}:0.9`), `production runs ${image} after the rollback`);
  });
});
