import * as assert from 'node:assert/strict';
import { SlipwayError } from '../../../src/core/errors';
import { parseImageRef } from '../../../src/core/swarm/imageRef';
import { assertConfirmed, planDeploy, planPromote, targetImageFor } from '../../../src/core/swarm/plans';
import { D1, D2, prodLike, production, rawService, snapshot } from './fixtures';

const svc = (cluster = prodLike, image = `localhost:5000/demo:1.0@${D2}`) => snapshot(cluster, [rawService('s', 'demo', image)], []).services[0]!;

describe('deploy plans and the production guard', () => {
  it('turns a bare version into the service’s repository with that tag, unpinned', () => {
    const t = targetImageFor(svc(), '1.1');
    assert.equal(t.repository, 'localhost:5000/demo');
    assert.equal(t.tag, '1.1');
    assert.equal(t.digest, undefined);
    assert.equal(targetImageFor(svc(), 'other/img:2').repository, 'other/img');
    assert.throws(() => targetImageFor(svc(), 'bad tag'), (e) => SlipwayError.is(e, 'usage'));
  });

  it('refuses a production deploy unless the confirmation names that cluster', () => {
    const plan = planDeploy(production, svc(production), parseImageRef(`localhost:5000/demo:1.1@${D1}`));
    assert.equal(plan.requiresConfirmation, true);
    assert.equal(plan.summary, 'production: demo 1.0 (222222222222) → 1.1 (111111111111)');
    assert.throws(() => assertConfirmed(plan, undefined), (e) => SlipwayError.is(e, 'confirmationRequired') && /production cluster "production"/.test(e.message));
    assert.throws(() => assertConfirmed(plan, { cluster: 'prod-like' }), (e) => SlipwayError.is(e, 'confirmationRequired'));
    assert.doesNotThrow(() => assertConfirmed(plan, { cluster: 'production' }));
  });

  it('needs no confirmation on a non-production cluster and spots an unchanged image', () => {
    const plan = planDeploy(prodLike, svc(), parseImageRef(`localhost:5000/demo:1.0@${D2}`));
    assert.equal(plan.requiresConfirmation, false);
    assert.equal(plan.unchanged, true);
    assert.doesNotThrow(() => assertConfirmed(plan, undefined));
  });

  it('promotes exactly the source digest, from the spec or else the engine', () => {
    const p = planPromote(prodLike, svc(prodLike, `localhost:5000/demo:1.1@${D1}`), undefined, production, svc(production));
    assert.equal(p.to.image, `localhost:5000/demo:1.1@${D1}`);
    assert.equal(p.source.name, 'prod-like');
    const q = planPromote(prodLike, svc(prodLike, 'localhost:5000/demo:1.1'), D1, production, svc(production));
    assert.equal(q.to.digest, D1);
    assert.throws(() => planPromote(prodLike, svc(prodLike, 'localhost:5000/demo:1.1'), undefined, production, svc(production)), (e) => SlipwayError.is(e, 'notFound'));
    assert.throws(() => planPromote(prodLike, svc(), D1, prodLike, svc()), (e) => SlipwayError.is(e, 'usage'));
  });
});
