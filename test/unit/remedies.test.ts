import * as assert from 'node:assert/strict';
import { SlipwayError } from '../../src/core/errors';
import type { Remedy } from '../../src/core/remedies';
import { hintLines, remedyText } from '../../src/cli/remedies';

describe('remedies', () => {
  it('an error carries its remedies as data, none by default', () => {
    const e = new SlipwayError('conflict', 'Merge conflict', { remedies: [{ action: 'flowContinue' }, { action: 'flowAbort' }] });
    assert.deepEqual(e.remedies.map((r) => r.action), ['flowContinue', 'flowAbort']);
    assert.deepEqual(new SlipwayError('git', 'x').remedies, []);
  });

  it('the CLI says each remedy as the command to type', () => {
    assert.match(remedyText({ action: 'flowContinue' }), /`slipway flow finish --continue`/);
    assert.match(remedyText({ action: 'rollback', cluster: 'prod-like', service: 'web' }), /`slipway rollback web --cluster prod-like`/);
    assert.match(remedyText({ action: 'rollback', cluster: 'production' }), /`slipway rollback --cluster production`/);
    assert.match(remedyText({ action: 'openConfig', file: 'slipway.yml', line: 4 }), /slipway\.yml at line 4/);
  });

  it('hint lines put the hint first, then one line per remedy', () => {
    const remedies: Remedy[] = [{ action: 'doctor' }];
    assert.deepEqual(hintLines('Start the engine', remedies), ['hint: Start the engine', 'hint: run `slipway doctor` to see what is missing']);
    assert.deepEqual(hintLines(undefined, []), []);
  });
});
