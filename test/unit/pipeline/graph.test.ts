import * as assert from 'node:assert/strict';
import { SlipwayError } from '../../../src/core/errors';
import { STAGE_IDS, STAGE_TITLES, pipelineStages, resolveMode, selectStages, splitBuildSteps } from '../../../src/core/pipeline';

function throwsKind(fn: () => unknown, kind: string, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => SlipwayError.is(e) && e.kind === kind && pattern.test(e.message));
}

describe('pipeline stage graph', () => {
  it('has the nine stages with titles, in delivery order', () => {
    assert.equal(STAGE_IDS.length, 9);
    assert.equal(STAGE_IDS[0], 'checkout');
    assert.equal(STAGE_IDS[8], 'production-tests');
    assert.equal(STAGE_TITLES['readiness-tests'], 'Production-readiness tests');
  });

  it('defaults to all nine stages when slipway.yml lists none', () => {
    assert.deepEqual(pipelineStages(undefined), [...STAGE_IDS]);
    assert.deepEqual(pipelineStages({ mode: 'deployment' }), [...STAGE_IDS]);
  });

  it('accepts a subset in canonical order', () => {
    assert.deepEqual(pipelineStages({ stages: ['checkout', 'build', 'deploy-prod-like'] }), ['checkout', 'build', 'deploy-prod-like']);
  });

  it('rejects unknown, duplicate, out-of-order and empty stage lists as config errors', () => {
    throwsKind(() => pipelineStages({ stages: ['checkout', 'lint'] }), 'config', /pipeline.stages\[1\] "lint" is not a stage/);
    throwsKind(() => pipelineStages({ stages: ['build', 'build'] }), 'config', /lists "build" twice/);
    throwsKind(() => pipelineStages({ stages: ['functional-tests', 'deploy-staging'] }), 'config', /puts "deploy-staging" after "functional-tests"/);
    throwsKind(() => pipelineStages({ stages: [] }), 'config', /empty/);
  });

  it('selects the --from/--to slice', () => {
    assert.deepEqual(selectStages(STAGE_IDS, { from: 'deploy-production' }).selected, ['deploy-production', 'production-tests']);
    assert.deepEqual(selectStages(STAGE_IDS, { to: 'unit-tests' }).selected, ['checkout', 'unit-tests']);
    assert.deepEqual(selectStages(STAGE_IDS).selected, [...STAGE_IDS]);
  });

  it('rejects unknown stages, stages not in the pipeline and reversed ranges as usage errors', () => {
    throwsKind(() => selectStages(STAGE_IDS, { from: 'deploy' }), 'usage', /--from "deploy" is not a stage/);
    throwsKind(() => selectStages(['checkout', 'build'], { to: 'deploy-staging' }), 'usage', /--to "deploy-staging" is not in this pipeline/);
    throwsKind(() => selectStages(STAGE_IDS, { from: 'build', to: 'checkout' }), 'usage', /--from build comes after --to checkout/);
  });

  it('resolves the mode: flag over slipway.yml over delivery', () => {
    assert.equal(resolveMode(undefined), 'delivery');
    assert.equal(resolveMode({ mode: 'deployment' }), 'deployment');
    assert.equal(resolveMode({ mode: 'deployment' }, 'delivery'), 'delivery');
    throwsKind(() => resolveMode(undefined, 'yolo'), 'usage', /Mode "yolo"/);
  });

  it('splits builder steps: unit-tests up to the last test step, build the rest', () => {
    const s = (...names: string[]) => names.map((name) => ({ name }));
    assert.deepEqual(splitBuildSteps(s('deps', 'fmt', 'test', 'compile')), { unitTests: s('deps', 'fmt', 'test'), build: s('compile') });
    assert.deepEqual(splitBuildSteps(s('compile')), { unitTests: [], build: s('compile') });
    assert.deepEqual(splitBuildSteps(s('unit-test', 'lint', 'integration-tests', 'bundle')).build, s('bundle'));
  });
});

describe('pipeline run log', () => {
  it('cuts one stage out of a run log, header to next header', async () => {
    const { stageLogOf } = await import('../../../src/core/pipeline');
    const log = 'Pipeline r on main @ 1.0 (delivery), failed\n==> [1/2] checkout: Checkout\n    HEAD abc\nPASS checkout (5ms)\n==> [2/2] build: Build\n  ! Error: boom\nFAIL build (1.0s): boom\n';
    assert.equal(stageLogOf(log, 'checkout'), '==> [1/2] checkout: Checkout\n    HEAD abc\nPASS checkout (5ms)\n');
    assert.equal(stageLogOf(log, 'build'), '==> [2/2] build: Build\n  ! Error: boom\nFAIL build (1.0s): boom\n');
    assert.equal(stageLogOf(log, 'deploy-staging'), undefined);
  });
});
