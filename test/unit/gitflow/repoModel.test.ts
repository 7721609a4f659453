import * as assert from 'node:assert/strict';
import type { FlowOverview, GitFlowEngine } from '../../../src/core/gitflow/engine';
import { FlowRepoModel } from '../../../src/vscode/gitflow/repoModel';

/** An engine whose overview() answers from a queue, counting calls. */
function fakeEngine(answers: (FlowOverview | Error)[]): { engine: GitFlowEngine; calls: () => number } {
  let calls = 0;
  const engine = {
    overview: async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      const next = answers.shift();
      if (next instanceof Error) throw next;
      return next!;
    },
  } as unknown as GitFlowEngine;
  return { engine, calls: () => calls };
}

const overview = (current: string): FlowOverview => ({ initialized: true, currentBranch: current, branches: [] });

describe('Git Flow view model (no UI)', () => {
  it('shares one read between concurrent refreshes and tells listeners once it is done', async () => {
    const { engine, calls } = fakeEngine([overview('develop')]);
    const model = new FlowRepoModel('/repo', 'repo', engine);
    let changes = 0;
    model.onDidChange(() => changes++);
    const [a, b] = await Promise.all([model.refresh(), model.refresh()]);
    assert.equal(calls(), 1);
    assert.equal(a, b);
    assert.equal(changes, 1);
    assert.equal(model.overview?.currentBranch, 'develop');
  });

  it('serves the cached overview until refreshed, then the new one', async () => {
    const { engine, calls } = fakeEngine([overview('develop'), overview('feature/x')]);
    const model = new FlowRepoModel('/repo', 'repo', engine);
    assert.equal((await model.get())?.currentBranch, 'develop');
    assert.equal((await model.get())?.currentBranch, 'develop');
    assert.equal(calls(), 1);
    await model.refresh();
    assert.equal(model.overview?.currentBranch, 'feature/x');
  });

  it('keeps the error of a failed read and no stale overview', async () => {
    const { engine } = fakeEngine([overview('develop'), new Error('Not a git repository')]);
    const model = new FlowRepoModel('/repo', 'repo', engine);
    await model.refresh();
    await model.refresh();
    assert.equal(model.overview, undefined);
    assert.match(String(model.lastError), /Not a git repository/);
  });
});
