/**
 * Push to deploy against the rig: the agent installed as a Swarm service on prod-like (image built there from the
 * CLI bundle), the rig's registry posting its real notifications to it. A push of develop moves prod-like's stack to
 * exactly that digest within 30 s as a push release; another tag is ignored; a wrong token gets 401 and changes
 * nothing; the same event twice makes one release; a push while the agent is down is reconciled when it is back;
 * production in delivery mode records a pending promotion that deploys only when approved (with --yes).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rigAgentWebhook, type RigAgentWebhook } from '../support/agentWebhook';
import { dockerCli, dockerOk, uniqueName, waitFor } from '../support/rig';
import { ROOT, setUpSwarmFixture, type SwarmFixture } from './swarmFixture';

const CLI = join(ROOT, 'dist', 'cli.js');
const APP = join(ROOT, 'test', 'fixtures', 'swarm-app');

interface ReleaseJson {
  number: number;
  version: string;
  trigger: string;
  who: string;
  outcome?: { converged: boolean; message: string; unknown?: boolean };
  services: { key: string; image: string }[];
}

const STACK_YML = `version: "3.8"
services:
  app:
    image: \${SLIPWAY_IMAGE}
    deploy:
      replicas: 1
      endpoint_mode: dnsrr
      update_config: { parallelism: 1, delay: 0s, monitor: 1s, failure_action: rollback, order: stop-first }
      rollback_config: { parallelism: 1, monitor: 1s }
      restart_policy: { condition: any, delay: 1s }
`;

describe('push to deploy (slipway agent) on the rig', function () {
  this.timeout(300_000);
  let fx: SwarmFixture;
  let hook: RigAgentWebhook;
  let ws: string;
  let stack: string;
  let path: string;
  const pushed = new Set<string>();
  const installed: string[] = [];

  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, '-C', ws, ...args], { encoding: 'utf8', env: { ...process.env, SLIPWAY_CLUSTERS: '', SLIPWAY_ACTOR: 'tester' }, timeout: 280_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const ok = (r: { status: number | null; stdout: string; stderr: string }) => {
    assert.equal(r.status, 0, r.stderr + r.stdout);
    return r.stdout;
  };
  const releases = (cluster: string): ReleaseJson[] => JSON.parse(ok(cli('releases', '--cluster', cluster, '--json'))) as ReleaseJson[];
  const appImage = (cluster: string) => dockerOk(fx.hostOf(cluster), ['service', 'inspect', `${stack}_app`, '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}']);
  const agentLogs = (cluster: string): string[] => (JSON.parse(ok(cli('agent', 'status', '--cluster', cluster, '--lines', '200', '--json'))) as { logs: string[] }).logs;

  /** Builds a new image of the app (a distinct digest) on prod-like's engine and pushes it as `tag`. */
  async function buildAndPush(tag: string, label: string): Promise<string> {
    const ref = `${fx.repository}:${tag}`;
    await dockerOk(fx.hostOf('prod-like'), ['build', '-q', '-t', ref, '--build-arg', `APP_VERSION=${label}`, APP], { timeoutMs: 120_000 });
    const out = await dockerOk(fx.hostOf('prod-like'), ['push', ref], { timeoutMs: 120_000 });
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(out)?.[1];
    assert.ok(digest, `no digest in the push output: ${out}`);
    pushed.add(digest);
    return digest;
  }

  /** A notification envelope as the registry sends it (for the token and duplicate tests). */
  const envelope = (id: string, tag: string, digest: string) => ({
    events: [
      {
        id,
        timestamp: new Date().toISOString(),
        action: 'push',
        target: { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', size: 1, digest, length: 1, repository: path, tag },
        request: { id: 'r', addr: '127.0.0.1', host: fx.rig.registry, method: 'PUT', useragent: 'test' },
        actor: {},
        source: { addr: 'vm:5000', instanceID: 'test' },
      },
    ],
  });
  const post = (body: unknown, token: string) =>
    fetch(`http://127.0.0.1:${hook.port}/events`, { method: 'POST', headers: { 'content-type': 'application/vnd.docker.distribution.events.v1+json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

  before(async function () {
    this.timeout(300_000);
    hook = rigAgentWebhook();
    fx = await setUpSwarmFixture(['1.0']);
    path = fx.repository.slice(fx.rig.registry.length + 1);
    ws = mkdtempSync(join(tmpdir(), 'slipway-agent-'));
    stack = uniqueName('push').replace(/[^a-z0-9-]/g, '').slice(0, 30);
    writeFileSync(
      join(ws, 'slipway.yml'),
      `version: 1
package: { image: ${path} }
clusters:
  prod-like: { host: ${fx.hostOf('prod-like')}, role: prod-like }
  production: { host: ${fx.hostOf('production')}, role: production }
deploy:
  stack: ${stack}
  files: [stack.yml]
  app: app
  registry: ${fx.rig.registry}
  onPush: { tag: develop, clusters: [prod-like, production] }
pipeline: { mode: delivery }
`,
    );
    writeFileSync(join(ws, 'stack.yml'), STACK_YML);
    ok(cli('deploy', '1.0', '--cluster', 'prod-like'));
    const install = ok(cli('agent', 'install', '--cluster', 'prod-like', '--base-image', 'slipway-rig/node:20', '--token-file', hook.tokenFile, '--port', String(hook.port), '--poll', '3'));
    installed.push('prod-like');
    assert.match(install, /notifications:\n {2}endpoints:[\s\S]*Authorization: \[Bearer [0-9a-f]+\]/);
    await waitFor(() => agentLogs('prod-like').some((l) => /listening on port/.test(l)), { timeoutMs: 60_000, intervalMs: 500, what: 'the agent to listen' });
  });

  after(async function () {
    this.timeout(180_000);
    for (const c of installed) cli('agent', 'remove', '--cluster', c, '--yes');
    for (const c of ['prod-like', 'production']) {
      const host = fx.hostOf(c);
      await dockerCli(host, ['stack', 'rm', stack]);
      for (const label of [`io.slipway.stack=${stack}`, `io.slipway.pending=${stack}`]) {
        const ids = (await dockerCli(host, ['config', 'ls', '-q', '--filter', `label=${label}`])).stdout.split('\n').filter((l) => l);
        if (ids.length > 0) await dockerCli(host, ['config', 'rm', ...ids]);
      }
    }
    for (const d of pushed) await fetch(`http://${fx.rig.registry}/v2/${path}/manifests/${d}`, { method: 'DELETE' }).catch(() => undefined);
    await fx?.cleanup();
    rmSync(ws, { recursive: true, force: true });
  });

  it('a push of develop moves prod-like to exactly that digest within 30 s, recorded as a push release', async () => {
    const digest = await buildAndPush('develop', 'dev-1');
    const pushedAt = Date.now();
    await waitFor(async () => (await appImage('prod-like')) === `${fx.repository}:develop@${digest}`, { timeoutMs: 30_000, intervalMs: 250, what: 'the stack to run the pushed digest' });
    const release = await waitFor(() => releases('prod-like').find((r) => r.services.some((s) => s.image.endsWith(digest)) && !r.outcome?.unknown), { timeoutMs: 30_000 - (Date.now() - pushedAt), intervalMs: 500, what: 'the push release' });
    assert.equal(release.trigger, `push ${fx.repository}:develop by anonymous`);
    assert.equal(release.outcome?.converged, true, release.outcome?.message);
    assert.equal(release.version, 'develop');
    assert.ok(agentLogs('prod-like').some((l) => l.includes(`deploying ${fx.repository}:develop@${digest}`)));
  });

  it('a push of another tag is ignored (logged with the reason), nothing deployed', async () => {
    const before = releases('prod-like').length;
    const image = await appImage('prod-like');
    const digest = await buildAndPush('feature-x', 'feature-x');
    await waitFor(() => agentLogs('prod-like').some((l) => l.includes(`ignored push`) && l.includes(`${path}:feature-x@${digest.slice(0, 19)}`) && l.includes('no stack')), { timeoutMs: 30_000, intervalMs: 500, what: 'the agent to log the ignored push' });
    assert.equal(releases('prod-like').length, before);
    assert.equal(await appImage('prod-like'), image);
  });

  it('a wrong or missing token gets 401 and changes nothing', async () => {
    const before = releases('prod-like').length;
    const image = await appImage('prod-like');
    const other = [...pushed].find((d) => !image.endsWith(d))!;
    const wrong = await post(envelope('wrong-token-event', 'develop', other), `${hook.token}x`);
    assert.equal(wrong.status, 401);
    const none = await fetch(`http://127.0.0.1:${hook.port}/events`, { method: 'POST', body: JSON.stringify(envelope('no-token-event', 'develop', other)) });
    assert.equal(none.status, 401);
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(releases('prod-like').length, before);
    assert.equal(await appImage('prod-like'), image);
    assert.ok(agentLogs('prod-like').some((l) => /rejected a request .*wrong token \(401, nothing changed\)/.test(l)));
  });

  it('the same event twice (and the registry\'s own event for the same digest) makes one release', async () => {
    const digest = await buildAndPush('develop', 'dev-2');
    const event = envelope(`dup-${digest.slice(7, 19)}`, 'develop', digest);
    assert.equal((await post(event, hook.token)).status, 200);
    assert.equal((await post(event, hook.token)).status, 200);
    await waitFor(async () => (await appImage('prod-like')) === `${fx.repository}:develop@${digest}`, { timeoutMs: 30_000, intervalMs: 250, what: 'the stack to run the pushed digest' });
    await waitFor(() => agentLogs('prod-like').some((l) => l.includes('already handled')), { timeoutMs: 15_000, intervalMs: 500, what: 'the duplicate to be logged' });
    await new Promise((r) => setTimeout(r, 4000)); // one more poll of the registry (3 s) must not deploy it again
    const withDigest = releases('prod-like').filter((r) => r.services.some((s) => s.image.endsWith(digest)));
    assert.equal(withDigest.length, 1, JSON.stringify(withDigest.map((r) => r.trigger)));
  });

  it('a push while the agent is down is deployed when it is back (reconciled)', async () => {
    await dockerOk(fx.hostOf('prod-like'), ['service', 'scale', '-d', 'slipway-agent=0']);
    await waitFor(async () => (await dockerOk(fx.hostOf('prod-like'), ['service', 'ps', '-q', '--filter', 'desired-state=running', 'slipway-agent'])) === '', { timeoutMs: 30_000, intervalMs: 250, what: 'the agent to stop' });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${hook.port}/health`).then(() => false, () => true)), { timeoutMs: 30_000, intervalMs: 250, what: 'the agent port to close' });
    const digest = await buildAndPush('develop', 'dev-3');
    await new Promise((r) => setTimeout(r, 1500));
    assert.notEqual(await appImage('prod-like'), `${fx.repository}:develop@${digest}`, 'nothing deployed while the agent is down');
    await dockerOk(fx.hostOf('prod-like'), ['service', 'scale', '-d', 'slipway-agent=1']);
    await waitFor(async () => (await appImage('prod-like')) === `${fx.repository}:develop@${digest}`, { timeoutMs: 60_000, intervalMs: 250, what: 'the missed push to be deployed' });
    const release = await waitFor(() => releases('prod-like').find((r) => r.services.some((s) => s.image.endsWith(digest)) && !r.outcome?.unknown), { timeoutMs: 30_000, intervalMs: 500, what: 'its release' });
    assert.match(release.trigger, new RegExp(`^push ${fx.repository.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:develop by (poll|anonymous)$`));
    assert.equal(release.outcome?.converged, true);
  });

  it('production in delivery mode records a pending promotion, deployed only when approved with --yes', async () => {
    ok(cli('deploy', '1.0', '--cluster', 'production', '--yes'));
    const image10 = await appImage('production');
    const refused = cli('agent', 'install', '--cluster', 'production', '--base-image', 'slipway-rig/node:20', '--token-file', hook.tokenFile, '--port', String(hook.port), '--poll', '3');
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /production cluster "production" without confirmation/);
    ok(cli('agent', 'install', '--cluster', 'production', '--base-image', 'slipway-rig/node:20', '--token-file', hook.tokenFile, '--port', String(hook.port), '--poll', '3', '--yes'));
    installed.push('production');
    const develop = /@(sha256:[0-9a-f]{64})$/.exec(await appImage('prod-like'))![1]!;
    // The agent's poll finds develop ahead of production's release 1: a pending promotion, nothing deployed.
    const pending = await waitFor(() => (JSON.parse(ok(cli('agent', 'pending', '--cluster', 'production', '--json'))) as { id: string; digest: string; trigger: string }[]).find((p) => p.digest === develop), { timeoutMs: 60_000, intervalMs: 1000, what: 'a pending promotion on production' });
    assert.equal(await appImage('production'), image10);
    assert.equal(releases('production').length, 1);
    const unconfirmed = cli('agent', 'approve', '--cluster', 'production');
    assert.notEqual(unconfirmed.status, 0);
    assert.match(unconfirmed.stderr, /without confirmation/);
    assert.equal(await appImage('production'), image10);
    ok(cli('agent', 'approve', '--cluster', 'production', '--id', pending.id, '--yes'));
    assert.equal(await appImage('production'), `${fx.repository}:develop@${develop}`);
    const newest = releases('production').pop()!;
    assert.match(newest.trigger, /^push .*:develop by (poll|anonymous), approved by tester$/);
    assert.equal(newest.outcome?.converged, true);
    assert.equal((JSON.parse(ok(cli('agent', 'pending', '--cluster', 'production', '--json'))) as unknown[]).length, 0);
  });
});
