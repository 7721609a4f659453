import * as assert from 'node:assert/strict';
import { formatEvent, isToolWarning } from '../../../src/core/pipeline/logFormat';

describe("pipeline log: a tool's warnings are warnings, not errors", () => {
  it('recognises compose v1 and v2 warnings and Slipway\'s deploy warnings', () => {
    for (const line of [
      'WARNING: The APP_PORT variable is not set. Defaulting to a blank string.',
      'WARNING: Some networks were defined but are not used by any service: spare',
      'WARN[0000] The "APP_PORT" variable is not set. Defaulting to a blank string.',
      'time="2026-12-01T02:00:00Z" level=warning msg="network default: network.external.name is deprecated"',
      'warning: image localhost:5000/go-auth:1.1 could not be accessed on a registry',
    ]) assert.ok(isToolWarning(line), line);
    for (const line of ['Creating network "slipway_1_default" with the default driver', 'ERROR: for app  Cannot start service app', 'panic: nil map']) {
      assert.ok(!isToolWarning(line), line);
    }
  });

  it('marks a warning on stderr with "~" and other stderr lines with "!"', () => {
    const log = (text: string) => formatEvent({ type: 'log', runId: 'r', stage: 'deploy-staging', stream: 'stderr', text } as never, ['deploy-staging']);
    assert.deepEqual(log('WARNING: The APP_PORT variable is not set.'), ['  ~ WARNING: The APP_PORT variable is not set.']);
    assert.deepEqual(log('ERROR: for app  Cannot start service app'), ['  ! ERROR: for app  Cannot start service app']);
  });
});
