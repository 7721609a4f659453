import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatEvent, STAGE_IDS, type PipelineEvent } from '../../../src/core/pipeline';

interface Rule {
  name?: string;
  match?: string;
  include?: string;
}
const grammar = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'syntaxes', 'slipway-log.tmLanguage.json'), 'utf8')) as {
  scopeName: string;
  patterns: Rule[];
  repository: Record<string, Rule>;
};

/** The first top-level rule whose regex matches the line, as TextMate tries them (in order). */
function ruleFor(line: string): string | undefined {
  for (const p of grammar.patterns) {
    const key = p.include!.slice(1);
    const rule = grammar.repository[key]!;
    if (new RegExp(rule.match!).test(line)) return key;
  }
  return undefined;
}

const stages = [...STAGE_IDS];
const lines = (e: PipelineEvent) => formatEvent(e, stages);
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('slipway-log grammar (regexes of syntaxes/slipway-log.tmLanguage.json)', () => {
  it('is a TextMate grammar whose includes all resolve and whose regexes compile', () => {
    assert.equal(grammar.scopeName, 'text.slipway-log');
    for (const p of grammar.patterns) {
      const rule = grammar.repository[p.include!.slice(1)];
      assert.ok(rule?.match, `${p.include} has a match`);
      assert.doesNotThrow(() => new RegExp(rule.match!));
    }
  });

  it('recognises the stage headers the log printer writes', () => {
    const [header] = lines({ type: 'stageStarted', runId: 'r', stage: 'deploy-prod-like', at: 0 });
    assert.equal(header, '==> [6/9] deploy-prod-like: Deploy to prod-like');
    assert.equal(ruleFor(header!), 'stage-header');
    const m = new RegExp(grammar.repository['stage-header']!.match!).exec(header!)!;
    assert.equal(m[3], 'deploy-prod-like');
  });

  it('recognises PASS, FAIL, WAIT, SKIP and ROLLBACK lines', () => {
    const pass = lines({ type: 'stageEnded', runId: 'r', stage: 'build', result: 'passed', durationMs: 12_300, message: `pushed localhost:5000/go-auth@${DIGEST}` })[0]!;
    assert.equal(ruleFor(pass), 'verdict-pass');
    const fail = lines({ type: 'stageEnded', runId: 'r', stage: 'functional-tests', result: 'failed', durationMs: 4100, message: 'tests exited with code 1' })[0]!;
    assert.equal(fail, 'FAIL functional-tests (4.1s): tests exited with code 1');
    assert.equal(ruleFor(fail), 'verdict-fail');
    const wait = lines({ type: 'approvalRequired', runId: 'r', stage: 'deploy-production', at: 0, message: 'waiting for approval' })[0]!;
    assert.equal(ruleFor(wait), 'verdict-wait');
    const skip = lines({ type: 'stageEnded', runId: 'r', stage: 'deploy-prod-like', result: 'skipped', durationMs: 0, message: 'skipped: functional-tests failed' })[0]!;
    assert.equal(ruleFor(skip), 'verdict-skip');
    assert.equal(ruleFor(lines({ type: 'rolledBack', runId: 'r', stage: 'production-tests', ok: true, message: 'production rolled back' })[0]!), 'rollback');
    assert.equal(ruleFor(lines({ type: 'rolledBack', runId: 'r', stage: 'production-tests', ok: false, message: 'x' })[0]!), 'rollback');
  });

  it('recognises run summaries', () => {
    assert.equal(ruleFor(lines({ type: 'runEnded', runId: 'r', result: 'passed', durationMs: 83_000 })[0]!), 'run-summary');
    assert.equal(ruleFor(lines({ type: 'runEnded', runId: 'r', result: 'failed', durationMs: 1, message: 'build failed: x' })[0]!), 'run-summary');
    assert.equal(ruleFor(lines({ type: 'runStarted', runId: 'r1', title: 'develop @ 1.0', stages, at: 0 })[0]!), 'run-summary');
  });

  it('marks the PASS/FAIL lines of test output inside a stage', () => {
    assert.equal(ruleFor('    PASS PUT /user with an existing username is a conflict (409)'), 'test-pass');
    assert.equal(ruleFor('    ok 1 - PUT /user creates a user'), 'test-pass');
    assert.equal(ruleFor('    FAIL app ready: Error: http://127.0.0.1:3000/health not healthy'), 'test-fail');
    assert.equal(ruleFor('    not ok 2 - rejects invalid JSON'), 'test-fail');
    assert.equal(ruleFor('    okay then'), undefined);
  });

  it('marks error lines in stage output but not ordinary output', () => {
    assert.equal(ruleFor('    main.go:12: error: undefined: foo'), 'error-line');
    assert.equal(ruleFor('    panic: runtime error'), 'error-line');
    assert.equal(ruleFor('    Error: connect ECONNREFUSED 127.0.0.1:3000'), 'error-line');
    assert.equal(ruleFor('slipway: pipeline failed at build: exit 2'), 'error-line');
    assert.equal(ruleFor('    compiled 8 files'), undefined);
    assert.equal(ruleFor('    errors_test.go passed'), undefined);
  });

  it('marks stderr lines, and finds image digests inside any line', () => {
    assert.equal(ruleFor(lines({ type: 'log', runId: 'r', stage: 'build', stream: 'stderr', text: 'DEPRECATED: legacy builder' })[0]!), 'stderr-line');
    const digest = new RegExp(grammar.repository.digest!.match!, 'g');
    const out = `    develop: digest: ${DIGEST} size: 1573`;
    assert.equal(ruleFor(out), 'digest');
    assert.deepEqual(out.match(digest), [DIGEST]);
    assert.deepEqual('image sha256:abc'.match(digest), null, 'too short to be a digest');
  });
});
