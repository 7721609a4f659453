import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnvFile, parseRigNodes, rig, RIG_MISSING } from '../support/rig';

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
          'SLIPWAY_RIG_NODES="a-2,prod-like,worker,unix:///a2.sock,ns-a2,10.0.0.2,l2 a-1,prod-like,manager,unix:///a.sock,-,10.0.0.1,l1 b-1,production,manager,unix:///b.sock,ns-b,10.0.1.1,m1"',
          'SLIPWAY_RIG_LINKS_NETNS=links',
        ].join('\n'),
      );
      const got = rig({ SLIPWAY_RIG_REGISTRY: 'example:1' }, file);
      assert.equal(got.prodLike.host, 'unix:///a.sock');
      assert.equal(got.production.netns, 'ns-b');
      assert.equal(got.registry, 'example:1', 'process.env wins over the file');
      assert.deepEqual(got.baseImages, ['x:1', 'y:2']);
      assert.deepEqual(got.prodLike.nodes.map((n) => [n.name, n.role, n.netns]), [['a-1', 'manager', undefined], ['a-2', 'worker', 'ns-a2']]);
      assert.deepEqual(got.production.nodes.map((n) => n.host), ['unix:///b.sock']);
      assert.equal(got.linksNetns, 'links');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails with the fix when neither the environment nor the env file has the rig', () => {
    assert.throws(() => rig({}, '/nonexistent/slipway-rig-env'), (e: Error) => e.message.startsWith(RIG_MISSING));
  });

  it('refuses a malformed node entry with the fix', () => {
    assert.throws(() => parseRigNodes('a,prod-like,boss,unix:///a.sock,-,1.2.3.4,l1'), (e: Error) => e.message.startsWith(RIG_MISSING) && /boss/.test(e.message));
  });

  it('parses quoted and exported values like the shell does for the lines up.sh writes', () => {
    assert.deepEqual(parseEnvFile("export A=1\nB='two words'\nC=\"x y\"\n\n# D=4"), { A: '1', B: 'two words', C: 'x y' });
  });
});
