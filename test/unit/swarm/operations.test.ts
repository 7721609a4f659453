import * as assert from 'node:assert/strict';
import { SlipwayError } from '../../../src/core/errors';
import type { SwarmService, SwarmTask } from '../../../src/core/swarm/model';
import { prepareDeploy, preparePromote, startDeploy, watchRollout, type ClusterPort } from '../../../src/app/swarmOperations';
import { D1, D2, prodLike, production, rawService, rawTask, snapshot } from './fixtures';

/** A cluster port over an in-memory service whose rollout completes after `steps` looks. */
class FakeCluster implements ClusterPort {
  updates: { image: string; force?: boolean }[] = [];
  looks = 0;
  constructor(
    readonly cluster: typeof prodLike,
    private image: string,
    private readonly steps = 2,
  ) {}
  private state(): { service: SwarmService; tasks: SwarmTask[] } {
    const done = this.updates.length > 0 && this.looks >= this.steps;
    const status = this.updates.length > 0 ? { UpdateStatus: { State: done ? 'completed' : 'updating', StartedAt: '2026-11-23T10:00:01Z' } } : {};
    const s = snapshot(this.cluster, [rawService('s1', 'demo', this.image, status)], [rawTask('t', 's1', 1, this.image, done ? 'running' : 'starting'), rawTask('u', 's1', 2, this.image, done ? 'running' : 'starting')]);
    return { service: s.services[0]!, tasks: [...s.tasks] };
  }
  async serviceState(name: string) {
    if (name !== 'demo') throw new SlipwayError('notFound', `No service "${name}"`);
    this.looks++;
    return this.state();
  }
  async updateImage(_name: string, image: string, options?: { force?: boolean }) {
    const before = this.state().service;
    this.updates.push({ image, force: options?.force });
    this.image = image;
    this.looks = 0;
    return { before, warnings: [] };
  }
  async rollback(): Promise<never> {
    throw new Error('not used');
  }
  async localImageDigest() {
    return undefined;
  }
}

const registry = { digest: async (path: string, tag: string) => (path === 'demo' && tag === '1.1' ? D1 : Promise.reject(new SlipwayError('notFound', `Tag "${tag}" of ${path} does not exist`))) };

describe('deploy and promote operations (fake cluster and registry)', () => {
  it('pins the registry digest, updates once and follows the rollout to completion', async () => {
    const c = new FakeCluster(prodLike, 'localhost:5000/demo:1.0');
    const plan = await prepareDeploy(c, 'demo', '1.1', () => registry);
    assert.equal(plan.to.image, `localhost:5000/demo:1.1@${D1}`);
    const started = await startDeploy(c, plan);
    assert.deepEqual(c.updates, [{ image: `localhost:5000/demo:1.1@${D1}`, force: undefined }]);
    const seen: string[] = [];
    const { progress } = await watchRollout(c, 'demo', started.targetImage, started.since, { pollMs: 1, onProgress: (p) => seen.push(p.outcome) });
    assert.equal(progress.outcome, 'completed');
    assert.deepEqual(seen, ['inProgress', 'completed']);
  });

  it('changes nothing when the tag is not in the registry', async () => {
    const c = new FakeCluster(prodLike, 'localhost:5000/demo:1.0');
    await assert.rejects(prepareDeploy(c, 'demo', '9.9', () => registry), (e) => SlipwayError.is(e, 'notFound'));
    assert.equal(c.updates.length, 0);
  });

  it('refuses production without confirmation and sends nothing', async () => {
    const p = new FakeCluster(production, `localhost:5000/demo:1.0@${D2}`);
    const plan = await prepareDeploy(p, 'demo', '1.1', () => registry);
    await assert.rejects(startDeploy(p, plan), (e) => SlipwayError.is(e, 'confirmationRequired'));
    assert.equal(p.updates.length, 0);
    await startDeploy(p, plan, { confirmation: { cluster: 'production' } });
    assert.equal(p.updates.length, 1);
  });

  it('does not redeploy an unchanged image unless forced', async () => {
    const c = new FakeCluster(prodLike, `localhost:5000/demo:1.1@${D1}`);
    const plan = await prepareDeploy(c, 'demo', '1.1', () => registry);
    assert.equal((await startDeploy(c, plan)).unchanged, true);
    assert.equal(c.updates.length, 0);
    await startDeploy(c, plan, { force: true });
    assert.deepEqual(c.updates, [{ image: `localhost:5000/demo:1.1@${D1}`, force: true }]);
  });

  it('promotes the source’s pinned image to the target', async () => {
    const src = new FakeCluster(prodLike, `localhost:5000/demo:1.1@${D1}`);
    const dst = new FakeCluster(production, `localhost:5000/demo:1.0@${D2}`);
    const plan = await preparePromote(src, dst, 'demo');
    assert.equal(plan.to.image, `localhost:5000/demo:1.1@${D1}`);
    assert.equal(plan.requiresConfirmation, true);
  });
});
