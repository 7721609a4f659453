import * as assert from 'node:assert/strict';
import { SlipwayError, cancelledError } from '../../../src/core/errors';
import {
  STAGE_IDS,
  runPipeline,
  selectStages,
  type PipelineEvent,
  type PipelineMode,
  type StageContext,
  type StageExecutor,
  type StageExecutors,
  type StageId,
} from '../../../src/core/pipeline';

interface Harness {
  calls: StageId[];
  events: PipelineEvent[];
  contexts: Partial<Record<StageId, StageContext>>;
}

function executors(h: Harness, overrides: Partial<Record<StageId, StageExecutor>> = {}): StageExecutors {
  const all: Partial<Record<StageId, StageExecutor>> = {};
  for (const id of STAGE_IDS) {
    all[id] = async (ctx) => {
      h.calls.push(id);
      h.contexts[id] = ctx;
      ctx.log(`running ${id}`);
      const o = overrides[id];
      if (o) return o(ctx);
      if (id === 'build') return { message: 'pushed', artifacts: { image: 'localhost:5000/go-auth@sha256:abc', digest: 'sha256:abc' } };
      return {};
    };
  }
  return all;
}

function clock(): () => number {
  let t = 1000;
  return () => (t += 10);
}

async function run(
  opts: { mode?: PipelineMode; from?: string; to?: string; approved?: boolean; overrides?: Partial<Record<StageId, StageExecutor>>; rollback?: boolean; signal?: AbortSignal; artifacts?: Record<string, string> } = {},
) {
  const h: Harness = { calls: [], events: [], contexts: {} };
  const rollbacks: string[] = [];
  const selection = selectStages(STAGE_IDS, { from: opts.from, to: opts.to });
  const view = await runPipeline({
    runId: 'r1',
    workspaceDir: '/ws',
    config: {},
    branch: 'develop',
    commit: 'c0ffee',
    version: 'develop',
    mode: opts.mode ?? 'delivery',
    stages: selection.stages,
    selected: selection.selected,
    approved: opts.approved,
    executors: executors(h, opts.overrides),
    ...(opts.rollback === false
      ? {}
      : {
          rollback: async (ctx) => {
            rollbacks.push(ctx.artifacts.image ?? '');
            return { message: 'now on go-auth:1.0' };
          },
        }),
    artifacts: opts.artifacts,
    productionRollbackRemedy: { action: 'rollback', cluster: 'production', service: 'go-auth' },
    signal: opts.signal ?? new AbortController().signal,
    onEvent: (e) => h.events.push(e),
    now: clock(),
  });
  const states = Object.fromEntries(view.stages.map((s) => [s.id, s.state]));
  return { h, view, states, rollbacks };
}

describe('pipeline run state machine', () => {
  it('deployment mode runs all nine stages in order and passes', async () => {
    const { h, view, states } = await run({ mode: 'deployment' });
    assert.deepEqual(h.calls, [...STAGE_IDS]);
    assert.equal(view.status, 'passed');
    assert.ok(Object.values(states).every((s) => s === 'passed'));
    assert.equal(h.events[0]!.type, 'runStarted');
    assert.equal(h.events.at(-1)!.type, 'runEnded');
    assert.ok(view.stages.every((s) => s.durationMs === 10), 'each stage timed by the clock');
  });

  it('delivery mode pauses before deploy-production awaiting approval', async () => {
    const { h, view, states } = await run({ mode: 'delivery' });
    assert.deepEqual(h.calls, STAGE_IDS.slice(0, 7));
    assert.equal(view.status, 'paused');
    assert.equal(states['deploy-production'], 'paused-for-approval');
    assert.equal(states['production-tests'], 'waiting');
    const ended = h.events.at(-1)!;
    assert.ok(ended.type === 'runEnded' && ended.result === 'paused', 'a paused run ends as paused, not skipped');
    const pause = h.events.find((e) => e.type === 'approvalRequired');
    assert.ok(pause && pause.type === 'approvalRequired');
    assert.equal(pause.message, 'waiting for approval before deploy-production');
    assert.deepEqual(view.remedies, [{ action: 'approveProduction' }], 'the remedy, not CLI text: each front end says it its way');
  });

  it('resuming from deploy-production is the approval and ships the artifacts of the paused run', async () => {
    const { h, view, states } = await run({ mode: 'delivery', from: 'deploy-production', artifacts: { image: 'reg/app@sha256:abc' } });
    assert.deepEqual(h.calls, ['deploy-production', 'production-tests']);
    assert.equal(view.status, 'passed');
    assert.equal(states.checkout, 'skipped');
    assert.equal(h.contexts['deploy-production']!.approved, true);
    assert.equal(h.contexts['deploy-production']!.artifacts.image, 'reg/app@sha256:abc');
  });

  it('--yes approves the production deploy up front in delivery mode', async () => {
    const { h, view } = await run({ mode: 'delivery', approved: true });
    assert.equal(h.calls.length, 9);
    assert.equal(view.status, 'passed');
  });

  it('stops at the first failure with the stage and reason and skips the rest', async () => {
    const { h, view, states } = await run({
      mode: 'deployment',
      overrides: { 'functional-tests': async () => Promise.reject(new SlipwayError('testFailed', 'tests exited with code 1')) },
    });
    assert.deepEqual(h.calls, STAGE_IDS.slice(0, 5));
    assert.equal(view.status, 'failed');
    assert.equal(view.failedStage, 'functional-tests');
    assert.equal(view.reason, 'tests exited with code 1');
    assert.equal(states['deploy-prod-like'], 'skipped');
    assert.equal(states['production-tests'], 'skipped');
    const end = h.events.at(-1)!;
    assert.ok(end.type === 'runEnded' && end.result === 'failed' && end.message === 'functional-tests failed: tests exited with code 1');
  });

  it('a stage that reports a failure without throwing fails the run (no false green); one that reports skipped is skipped', async () => {
    const { view, states } = await run({ mode: 'deployment', overrides: { 'deploy-prod-like': async () => ({ result: 'skipped', message: 'already runs develop' }), 'readiness-tests': async () => ({ result: 'failed', message: 'smoke said no' }) } });
    assert.equal(states['deploy-prod-like'], 'skipped');
    assert.equal(view.status, 'failed');
    assert.equal(view.failedStage, 'readiness-tests');
    assert.match(view.reason ?? '', /smoke said no/);
  });

  it('passes artifacts of earlier stages to later ones', async () => {
    const { h } = await run({ mode: 'deployment' });
    assert.equal(h.contexts['deploy-prod-like']!.artifacts.digest, 'sha256:abc');
    assert.equal(h.contexts['unit-tests']!.artifacts.digest, undefined);
  });

  it('a failing production test after an automatic deploy rolls production back and says so', async () => {
    const { view, rollbacks, h } = await run({
      mode: 'deployment',
      overrides: { 'production-tests': async () => Promise.reject(new SlipwayError('testFailed', 'smoke test got 500')) },
    });
    assert.equal(view.status, 'failed');
    assert.equal(view.failedStage, 'production-tests');
    assert.deepEqual(rollbacks, ['localhost:5000/go-auth@sha256:abc']);
    assert.deepEqual(view.rollback, { ok: true, message: 'production rolled back: now on go-auth:1.0' });
    assert.equal(view.reason, 'smoke test got 500; production rolled back: now on go-auth:1.0');
    assert.ok(h.events.some((e) => e.type === 'log' && /rolling production back/.test(e.text)));
  });

  it('a failed rollback is reported as a failure of the rollback, not hidden', async () => {
    const h: PipelineEvent[] = [];
    const view = await runPipeline({
      runId: 'r2', workspaceDir: '/ws', config: {}, branch: 'main', commit: 'c', version: '1.1', mode: 'deployment',
      stages: STAGE_IDS, selected: STAGE_IDS,
      executors: executors({ calls: [], events: [], contexts: {} }, { 'production-tests': async () => Promise.reject(new Error('boom')) }),
      rollback: async () => Promise.reject(new SlipwayError('docker', 'service has no previous spec')),
      signal: new AbortController().signal,
      onEvent: (e) => h.push(e),
    });
    assert.deepEqual(view.rollback, { ok: false, message: 'rolling production back FAILED: service has no previous spec' });
    assert.match(view.reason!, /^boom; rolling production back FAILED/);
  });

  it('a failing production test after an approved (manual) deploy does not roll back but says how', async () => {
    const { view, rollbacks } = await run({
      mode: 'delivery',
      from: 'deploy-production',
      overrides: { 'production-tests': async () => Promise.reject(new SlipwayError('testFailed', 'smoke test got 500')) },
    });
    assert.deepEqual(rollbacks, []);
    assert.equal(view.rollback, undefined);
    assert.match(view.reason!, /smoke test got 500; production still runs develop$/);
    assert.deepEqual(view.remedies, [{ action: 'rollback', cluster: 'production', service: 'go-auth' }]);
  });

  it('production tests run alone (no deploy in this run) never roll back', async () => {
    const { rollbacks, view } = await run({
      mode: 'deployment',
      from: 'production-tests',
      overrides: { 'production-tests': async () => Promise.reject(new Error('bad')) },
    });
    assert.deepEqual(rollbacks, []);
    assert.equal(view.reason, 'bad');
  });

  it('--from/--to run only the slice; the others are skipped as not selected', async () => {
    const { h, states, view } = await run({ from: 'unit-tests', to: 'build' });
    assert.deepEqual(h.calls, ['unit-tests', 'build']);
    assert.equal(states.checkout, 'skipped');
    assert.equal(states['deploy-staging'], 'skipped');
    assert.equal(view.status, 'passed');
  });

  it('cancellation stops the running stage and marks the rest cancelled', async () => {
    const controller = new AbortController();
    const { h, view, states } = await run({
      mode: 'deployment',
      signal: controller.signal,
      overrides: {
        build: async () => {
          controller.abort();
          throw cancelledError('build');
        },
      },
    });
    assert.deepEqual(h.calls, ['checkout', 'unit-tests', 'build']);
    assert.equal(view.status, 'cancelled');
    assert.equal(states.build, 'cancelled');
    assert.equal(states['deploy-staging'], 'cancelled');
  });

  it('a stage without an executor fails with a config error naming the stage', async () => {
    const view = await runPipeline({
      runId: 'r3', workspaceDir: '/ws', config: {}, branch: 'b', commit: 'c', version: 'v', mode: 'deployment',
      stages: ['checkout', 'build'], selected: ['checkout', 'build'],
      executors: { checkout: async () => ({}) },
      signal: new AbortController().signal,
    });
    assert.equal(view.failedStage, 'build');
    assert.match(view.reason!, /No executor for stage build/);
  });

  it('logs of a stage are kept in the view, stderr marked', async () => {
    const { view } = await run({
      mode: 'deployment',
      to: 'checkout',
      overrides: {
        checkout: async (ctx) => {
          ctx.log('fatal: something', 'stderr');
          ctx.log('warning: something', 'stderr');
          return { message: 'HEAD c0ffee' };
        },
      },
    });
    assert.deepEqual(view.stages[0]!.log, ['running checkout', '! fatal: something', '~ warning: something']);
    assert.equal(view.stages[0]!.message, 'HEAD c0ffee');
  });
});
