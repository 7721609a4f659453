import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerOk } from '../support/rig';
import { serviceImage, setUpSwarmFixture, slipway, type SwarmFixture } from './swarmFixture';

interface JsonService {
  cluster: string;
  name: string;
  mode: string;
  runningTasks: number;
  desiredTasks: number;
  version: string;
  digest?: string;
  imageText: string;
  differsFrom: { cluster: string; version: string }[];
}

describe('slipway swarm / deploy / rollback / promote against the two rig clusters', function () {
  this.timeout(240_000);
  let fx: SwarmFixture;

  before(async function () {
    this.timeout(300_000);
    fx = await setUpSwarmFixture();
  });
  after(async function () {
    this.timeout(120_000);
    await fx?.cleanup();
  });

  it('lists services, nodes and tasks as the docker CLI sees them', async () => {
    const name = await fx.createService('prod-like', '1.0', ['--replicas', '2']);
    const env = fx.cliEnv();
    const services = slipway(env, 'swarm', 'services', '--cluster', 'prod-like', '--json');
    assert.equal(services.status, 0, services.stderr);
    const mine = (JSON.parse(services.stdout) as JsonService[]).find((s) => s.name === name)!;
    const ls = JSON.parse(await dockerOk(fx.hostOf('prod-like'), ['service', 'ls', '--filter', `name=${name}`, '--format', '{{json .}}'])) as { Name: string; Mode: string; Replicas: string; Image: string };
    assert.equal(mine.name, ls.Name);
    assert.equal(mine.mode, ls.Mode);
    assert.equal(`${mine.runningTasks}/${mine.desiredTasks}`, ls.Replicas);
    assert.equal(mine.imageText, ls.Image);
    assert.equal(mine.version, '1.0');

    const nodes = JSON.parse(slipway(env, 'swarm', 'nodes', '--cluster', 'production', '--json').stdout) as { id: string; hostname: string; status: string; availability: string; labels: Record<string, string> }[];
    const nodeLs = (await dockerOk(fx.hostOf('production'), ['node', 'ls', '--format', '{{.ID}} {{.Hostname}} {{.Status}} {{.Availability}}'])).split('\n');
    assert.deepEqual(
      nodes.map((n) => `${n.id} ${n.hostname} ${n.status} ${n.availability}`.toLowerCase()).sort(),
      nodeLs.map((l) => l.toLowerCase()).sort(),
    );
    assert.equal(nodes.length, 3);
    assert.deepEqual(nodes.filter((n) => n.labels.env === 'production').map((n) => n.hostname).sort(), fx.rig.production.nodes.filter((n) => n.role === 'worker').map((n) => n.name), 'the workers carry env=production');

    const tasks = JSON.parse(slipway(env, 'swarm', 'tasks', name, '--cluster', 'prod-like', '--json').stdout) as { id: string; slot: number; state: string; desiredState: string; nodeHostname: string }[];
    const ps = (await dockerOk(fx.hostOf('prod-like'), ['service', 'ps', name, '--no-trunc', '--format', '{{.ID}} {{.Name}} {{.Node}} {{.DesiredState}}'])).split('\n');
    assert.deepEqual(
      tasks.map((t) => `${t.id} ${name}.${t.slot} ${t.nodeHostname} ${t.desiredState}`.toLowerCase()).sort(),
      ps.map((l) => l.toLowerCase()).sort(),
    );
    const human = slipway(env, 'swarm', 'services', '--cluster', 'prod-like');
    assert.match(human.stdout, new RegExp(`${name}\\s+replicated\\s+2/2\\s+1\\.0`));
  });

  it('deploys a version with a rolling update, shows per-task progress, pins the registry digest, and rolls back', async () => {
    const name = await fx.createService('prod-like', '1.0');
    const env = fx.cliEnv();
    const r = slipway(env, 'deploy', name, '1.1', '--cluster', 'prod-like');
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, new RegExp(`Deploying prod-like: ${name} 1\\.0 → 1\\.1 \\(${fx.digests['1.1']!.slice(7, 19)}\\)`));
    assert.match(r.stdout, new RegExp(`${name}\\.1 on \\S+: 1\\.1 running`));
    assert.match(r.stdout, /update completed: 1\/1 tasks running 1\.1/);
    assert.equal(await serviceImage(fx.hostOf('prod-like'), name), `${fx.repository}:1.1@${fx.digests['1.1']}`);

    const back = slipway(env, 'rollback', name, '--cluster', 'prod-like', '--json');
    assert.equal(back.status, 0, back.stderr);
    const report = JSON.parse(back.stdout) as { outcome: string; to: { version: string } };
    assert.equal(report.outcome, 'rolledBack');
    assert.equal(report.to.version, '1.0');
    assert.equal(await serviceImage(fx.hostOf('prod-like'), name), `${fx.repository}:1.0`);
  });

  it('promotes exactly the digest running on prod-like, only with --yes for production', async () => {
    // Promotion pairs services by name: the same service on both clusters.
    const pl = await fx.createService('prod-like', '1.0');
    await fx.createService('production', '1.0', [], pl);
    {
      const env = fx.cliEnv();
      assert.equal(slipway(env, 'deploy', pl, '1.1', '--cluster', 'prod-like').status, 0);
      const services = JSON.parse(slipway(env, 'swarm', 'services', '--json').stdout) as JsonService[];
      const onProd = services.find((s) => s.cluster === 'production' && s.name === pl)!;
      assert.deepEqual(onProd.differsFrom.map((d) => [d.cluster, d.version]), [['prod-like', '1.1']]);

      const refused = slipway(env, 'promote', pl, '--from', 'prod-like', '--to', 'production');
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /Refusing to deploy to production cluster "production" without confirmation/);
      assert.match(refused.stderr, /--yes/);
      assert.equal(await serviceImage(fx.hostOf('production'), pl), `${fx.repository}:1.0`);

      const ok = slipway(env, 'promote', pl, '--from', 'prod-like', '--to', 'production', '--yes');
      assert.equal(ok.status, 0, ok.stderr + ok.stdout);
      const source = await serviceImage(fx.hostOf('prod-like'), pl);
      assert.equal(await serviceImage(fx.hostOf('production'), pl), source);
      assert.ok(source.endsWith(`@${fx.digests['1.1']}`), source);
      const running = await dockerOk(fx.hostOf('production'), ['service', 'ps', pl, '--no-trunc', '--filter', 'desired-state=running', '--format', '{{.Image}} {{.CurrentState}}']);
      assert.match(running, new RegExp(`@${fx.digests['1.1']} Running`));
    }
  });

  it('refuses a rollback on production without --yes and leaves the service as it was', async () => {
    const name = await fx.createService('production', '1.0');
    const r = slipway(fx.cliEnv(), 'rollback', name, '--cluster', 'production');
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`^slipway: Refusing to roll back ${name} on production cluster "production" without confirmation`));
    assert.match(r.stderr, new RegExp(`slipway rollback ${name} --cluster production --yes`));
    assert.equal(await serviceImage(fx.hostOf('production'), name), `${fx.repository}:1.0`);
  });

  it('refuses a deploy to production without --yes and names the cluster', async () => {
    const name = await fx.createService('production', '1.0');
    const r = slipway(fx.cliEnv(), 'deploy', name, '1.1', '--cluster', 'production');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^slipway: Refusing to deploy to production cluster "production" without confirmation/);
    assert.match(r.stderr, new RegExp(`slipway deploy ${name} 1\\.1 --cluster production --yes`));
    assert.equal(await serviceImage(fx.hostOf('production'), name), `${fx.repository}:1.0`);
  });

  it('reports that Swarm rolled back an update whose health check fails, naming the task', async () => {
    const name = await fx.createService('prod-like', '1.0');
    const r = slipway(fx.cliEnv(), 'deploy', name, 'bad', '--cluster', 'prod-like');
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, new RegExp(`Swarm rolled ${name} back to 1\\.0 \\(failure action "rollback"\\) after task ${name}\\.1 on \\S+ \\(bad\\) ended`));
    assert.equal(await serviceImage(fx.hostOf('prod-like'), name), `${fx.repository}:1.0`);
    const status = await dockerOk(fx.hostOf('prod-like'), ['service', 'inspect', name, '--format', '{{.UpdateStatus.State}}']);
    assert.equal(status, 'rollback_completed');
  });

  it('rejects a tag the registry does not have, an unknown cluster and an unknown service, changing nothing', async () => {
    const name = await fx.createService('prod-like', '1.0');
    const env = fx.cliEnv();
    const tag = slipway(env, 'deploy', name, '9.9.9', '--cluster', 'prod-like');
    assert.equal(tag.status, 1);
    assert.match(tag.stderr, /Tag "9\.9\.9" of .* does not exist in the registry localhost:5000/);
    assert.equal(await serviceImage(fx.hostOf('prod-like'), name), `${fx.repository}:1.0`);

    const cluster = slipway(env, 'deploy', name, '1.1', '--cluster', 'staging');
    assert.equal(cluster.status, 1);
    assert.match(cluster.stderr, /Unknown cluster "staging"\nhint: Known clusters: prod-like, production/);

    const service = slipway(env, 'deploy', 'no-such-service-xyz', '1.1', '--cluster', 'prod-like', '--json');
    assert.equal(service.status, 1);
    assert.equal((JSON.parse(service.stdout) as { error: { kind: string } }).error.kind, 'notFound');
    assert.match(service.stderr, /No service "no-such-service-xyz" on cluster "prod-like"/);

    // One positional is the stack form (`deploy [VERSION] --cluster`): outside a repository with slipway.yml it
    // refuses before touching the cluster.
    const stackForm = slipway(env, 'deploy', name, '--cluster', 'prod-like');
    assert.equal(stackForm.status, 1);
    assert.match(stackForm.stderr, /No slipway\.yml/);
    assert.equal(await serviceImage(fx.hostOf('prod-like'), name), `${fx.repository}:1.0`);
    assert.equal(slipway(env, 'deploy', name, '1.1').status, 2);
  });

  it('shows an unreachable cluster and missing TLS files as errors while the others answer', () => {
    const clusters = [
      ...fx.clusters,
      { name: 'gone', role: 'test' as const, host: 'unix:///run/slipway-no-such.sock', source: 'env' as const },
      { name: 'badtls', role: 'test' as const, host: 'tcp://127.0.0.1:2376', tls: { ca: '/no/such/ca.pem' }, source: 'env' as const },
    ];
    const r = slipway(fx.cliEnv(clusters), 'swarm', 'clusters', '--json');
    assert.equal(r.status, 0, r.stderr);
    const byName = new Map((JSON.parse(r.stdout) as { name: string; status: string; error?: { kind: string; message: string } }[]).map((c) => [c.name, c]));
    assert.equal(byName.get('prod-like')!.status, 'ok');
    assert.equal(byName.get('production')!.status, 'ok');
    assert.equal(byName.get('gone')!.error!.kind, 'unreachable');
    assert.match(byName.get('gone')!.error!.message, /not reachable \(ENOENT\)/);
    assert.equal(byName.get('badtls')!.error!.kind, 'config');
    assert.match(byName.get('badtls')!.error!.message, /Cannot read the TLS CA file \/no\/such\/ca\.pem/);

    const services = slipway(fx.cliEnv(clusters), 'swarm', 'services');
    assert.equal(services.status, 1);
    assert.match(services.stdout, /^prod-like \(prod-like\)$/m);
    assert.match(services.stderr, /Cluster "gone": .*not reachable/);
  });

  it('reaches a cluster named by a Docker context', () => {
    const config = mkdtempSync(join(tmpdir(), 'slipway-docker-config-'));
    try {
      const id = createHash('sha256').update('rig-production').digest('hex');
      mkdirSync(join(config, 'contexts', 'meta', id), { recursive: true });
      writeFileSync(join(config, 'contexts', 'meta', id, 'meta.json'), JSON.stringify({ Name: 'rig-production', Metadata: {}, Endpoints: { docker: { Host: fx.hostOf('production'), SkipTLSVerify: false } } }));
      const env = { ...fx.cliEnv([{ name: 'via-context', role: 'test', context: 'rig-production', source: 'env' }]), DOCKER_CONFIG: config };
      const r = slipway(env, 'swarm', 'nodes', '--json');
      assert.equal(r.status, 0, r.stderr);
      const nodes = JSON.parse(r.stdout) as { cluster: string; labels: Record<string, string> }[];
      assert.deepEqual(nodes.map((n) => [n.cluster, n.labels.env ?? '-']).sort(), [['via-context', '-'], ['via-context', 'production'], ['via-context', 'production']]);
      const unknown = slipway({ ...fx.cliEnv([{ name: 'x', role: 'test', context: 'nope', source: 'env' }]), DOCKER_CONFIG: config }, 'swarm', 'clusters', '--json');
      assert.match(unknown.stdout, /Unknown Docker context \\"nope\\"/);
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
  });
});
