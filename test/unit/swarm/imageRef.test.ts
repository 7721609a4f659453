import * as assert from 'node:assert/strict';
import { formatImageRef, parseImageRef, shortDigest, versionOf } from '../../../src/core/swarm/imageRef';
import { D1 } from './fixtures';

describe('image references', () => {
  it('splits registry, path, tag and digest of a pinned local-registry image', () => {
    const r = parseImageRef(`localhost:5000/team/demo:1.2@${D1}`);
    assert.deepEqual(r, { registry: 'localhost:5000', path: 'team/demo', repository: 'localhost:5000/team/demo', tag: '1.2', digest: D1 });
    assert.equal(formatImageRef(r), `localhost:5000/team/demo:1.2@${D1}`);
  });

  it('treats a first component without dot, colon or localhost as a Docker Hub path', () => {
    const r = parseImageRef('slipway-rig/node:20');
    assert.equal(r.registry, undefined);
    assert.equal(r.path, 'slipway-rig/node');
    assert.equal(r.tag, '20');
  });

  it('does not take a registry port for a tag', () => {
    const r = parseImageRef('localhost:5000/demo');
    assert.equal(r.registry, 'localhost:5000');
    assert.equal(r.tag, undefined);
    assert.equal(versionOf(r), 'latest');
  });

  it('shows a digest-only image by its short digest', () => {
    const r = parseImageRef(`registry.example.com/x/demo@${D1}`);
    assert.equal(versionOf(r), '@111111111111');
    assert.equal(shortDigest(D1), '111111111111');
  });

  it('rejects malformed references instead of guessing', () => {
    assert.throws(() => parseImageRef(''), /empty/);
    assert.throws(() => parseImageRef('demo@sha256:xyz'), /malformed digest/);
    assert.throws(() => parseImageRef('demo:bad tag'), /malformed/);
    assert.throws(() => parseImageRef('../../x'), /malformed repository name .*"\.\."/);
    assert.throws(() => parseImageRef('localhost:5000/Demo:1'), /malformed repository name .*"Demo"/);
    assert.throws(() => parseImageRef('localhost:5000//demo:1'), /empty part/);
    assert.equal(parseImageRef('localhost:5000/team_a/demo-x__y.z:1').path, 'team_a/demo-x__y.z');
  });
});
