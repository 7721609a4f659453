import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnvFile, rig, RIG_MISSING } from '../support/rig';

describe('rig() lookup', () => {
  it('reads the variables from the env file when the environment lacks them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-rig-env-'));
    try {
      const file = join(dir, 'env');
      writeFileSync(
        file,
        [
          '# comment',
          'SLIPWAY_RIG_PRODLIKE_HOST=unix:///a.sock',
          'SLIPWAY_RIG_PRODUCTION_HOST=unix:///b.sock',
          'SLIPWAY_RIG_PRODUCTION_NETNS=ns-b',
          'SLIPWAY_RIG_REGISTRY=localhost:5999',
          'SLIPWAY_RIG_BASE_IMAGES="x:1 y:2"',
        ].join('\n'),
      );
      const got = rig({ SLIPWAY_RIG_REGISTRY: 'example:1' }, file);
      assert.equal(got.prodLike.host, 'unix:///a.sock');
      assert.equal(got.production.netns, 'ns-b');
      assert.equal(got.registry, 'example:1', 'process.env wins over the file');
      assert.deepEqual(got.baseImages, ['x:1', 'y:2']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails with the fix when neither the environment nor the env file has the rig', () => {
    assert.throws(() => rig({}, '/nonexistent/slipway-rig-env'), (e: Error) => e.message.startsWith(RIG_MISSING));
  });

  it('parses quoted and exported values like the shell does for the lines up.sh writes', () => {
    assert.deepEqual(parseEnvFile("export A=1\nB='two words'\nC=\"x y\"\n\n# D=4"), { A: '1', B: 'two words', C: 'x y' });
  });
});
