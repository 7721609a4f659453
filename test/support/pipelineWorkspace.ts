// A deployable copy of the go-auth fixture for pipeline tests and the pipeline bench: a committed git workspace whose
// slipway.yml points at the rig's clusters, and on both clusters a Redis service plus the go-auth service at a
// previous version (0.9), so deploys update an existing service and a rollback has somewhere to go back to.
// Every Docker object carries a name unique to this workspace; `dispose()` removes them all.
import { cpSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newRunId } from '../../src/core/run/runId';
import { dockerCli, dockerOk, exec, rig, waitFor, type Rig } from './rig';

export const FIXTURE = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'go-auth');

export interface PipelineWorkspace {
  readonly dir: string;
  readonly id: string;
  /** The swarm service (and package image) name. */
  readonly service: string;
  /** Host port the service publishes (mode=host) on both clusters. */
  readonly port: number;
  readonly rig: Rig;
  /** Rewrites slipway.yml (and commits it). */
  configure(options: { mode: 'delivery' | 'deployment'; productionTest?: string; stages?: string[] }): Promise<void>;
  /** Writes a file into the workspace and commits it. */
  commitFile(path: string, text: string, message: string): Promise<void>;
  /** The image (spec) the service runs on a cluster. */
  serviceImage(cluster: 'prod-like' | 'production'): Promise<string>;
  dispose(): Promise<void>;
}

const DEPLOY_COMPOSE = `version: "3.8"
# Checks against the deployed service (TARGET_URL is set by Slipway to the service's published port).
services:
  smoke:
    image: \${SLIPWAY_IMAGE}
    command: ["node", "tests/integration.js"]
    network_mode: host
    environment:
      APP_URL: \${TARGET_URL}
      READY_TIMEOUT_MS: "20000"
  broken:
    image: \${SLIPWAY_IMAGE}
    network_mode: host
    command: ["sh", "-c", "echo 'checking \${TARGET_URL}'; echo 'Error: production smoke test failed on purpose' >&2; exit 1"]
`;

async function git(dir: string, ...args: string[]): Promise<void> {
  const r = await exec('git', ['-c', 'user.email=pipeline@example.com', '-c', 'user.name=Pipeline Test', ...args], { cwd: dir });
  if (r.code !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

export async function freePort(): Promise<number> {
  // Host-mode publishing on both engines: pick a port nothing listens on in either network namespace.
  for (;;) {
    const port = 21000 + Math.floor(Math.random() * 8000);
    // free on the host and in every engine's network namespace (a host-mode task may land on any node)
    const namespaces = [...rig().prodLike.nodes, ...rig().production.nodes].flatMap((n) => (n.netns ? [n.netns] : []));
    const probe = [`ss -ltnH "( sport = :${port} )" | grep -q .`, ...namespaces.map((ns) => `nsenter --net=/run/netns/${ns} ss -ltnH "( sport = :${port} )" | grep -q .`)];
    const busy = await exec('sh', ['-c', probe.join(' || ')]);
    if (busy.code !== 0) return port;
  }
}

export async function createPipelineWorkspace(): Promise<PipelineWorkspace> {
  const r = rig();
  const id = newRunId();
  const service = `goauth-${id}`;
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'slipway-pipeline-')));
  cpSync(FIXTURE, dir, { recursive: true, filter: (src) => !/\/(dist|node_modules)(\/|$)/.test(src) });
  writeFileSync(join(dir, 'docker-compose.deploy.yml'), DEPLOY_COMPOSE);
  const port = await freePort();
  const hosts = { 'prod-like': r.prodLike.host, production: r.production.host } as const;
  const created: { host: string; kind: 'service' | 'network'; name: string }[] = [];

  const ws: PipelineWorkspace = {
    dir,
    id,
    service,
    port,
    rig: r,
    async configure({ mode, productionTest = 'smoke', stages }) {
      writeFileSync(
        join(dir, 'slipway.yml'),
        `version: 1
build:
  image: slipway-rig/node:20
  workdir: /src
  steps:
    - { name: deps, run: node scripts/deps.js }
    - { name: fmt, run: node scripts/fmt.js }
    - { name: test, run: node --test test/unit/ }
    - { name: compile, run: node scripts/compile.js }
package:
  image: ${service}
integration:
  compose: docker-compose.test.yml
  test: tests
  app: app
  readyTimeoutSeconds: 60
  testTimeoutSeconds: 120
clusters:
  prod-like: { host: ${r.prodLike.host}, role: prod-like, registry: ${r.registry} }
  production: { host: ${r.production.host}, role: production, registry: ${r.registry} }
deploy:
  service: ${service}
  registry: ${r.registry}
  readiness: { compose: docker-compose.deploy.yml, test: smoke }
  production: { compose: docker-compose.deploy.yml, test: ${productionTest} }
pipeline:
  mode: ${mode}
${stages ? `  stages: [${stages.join(', ')}]\n` : ''}`,
      );
      await git(dir, 'add', '-A');
      await git(dir, 'commit', '-qm', `pipeline config (${mode}, production test ${productionTest})`, '--allow-empty');
    },
    async commitFile(path, text, message) {
      writeFileSync(join(dir, path), text);
      await git(dir, 'add', path);
      await git(dir, 'commit', '-qm', message);
    },
    async serviceImage(cluster) {
      return dockerOk(hosts[cluster], ['service', 'inspect', '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}', service]);
    },
    async dispose() {
      for (const c of created.reverse()) {
        if (c.kind === 'service') {
          await dockerCli(c.host, ['service', 'rm', c.name]);
          continue;
        }
        // An overlay network is refused while the removed services' tasks are still shutting down.
        await waitFor(async () => {
          const r = await dockerCli(c.host, ['network', 'rm', c.name]);
          return r.code === 0 || /not found/i.test(r.stderr);
        }, { timeoutMs: 30_000, intervalMs: 500, what: `network ${c.name} removed` }).catch(() => undefined);
      }
      await dockerCli(r.prodLike.host, ['rmi', '-f', `${r.registry}/${service}:0.9`, `${r.registry}/${service}:develop`, `${service}:develop`]);
      for (const n of [...r.prodLike.nodes.slice(1), ...r.production.nodes]) {
        await dockerCli(n.host, ['rmi', '-f', `${r.registry}/${service}:0.9`, `${r.registry}/${service}:develop`]);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    await git(dir, 'init', '-q', '-b', 'develop');
    await ws.configure({ mode: 'delivery' });
    // The version production runs before the pipeline: 0.9, pushed to the shared registry.
    const previous = `${r.registry}/${service}:0.9`;
    await dockerOk(r.prodLike.host, ['build', '-q', '--build-arg', 'APP_VERSION=0.9', '-t', previous, dir], { timeoutMs: 180_000 });
    await dockerOk(r.prodLike.host, ['push', previous], { timeoutMs: 180_000 });
    await Promise.all(
      (['prod-like', 'production'] as const).map(async (cluster) => {
        const host = hosts[cluster];
        const net = `${service}-net`;
        await dockerOk(host, ['network', 'create', '-d', 'overlay', '--attachable', net]);
        created.push({ host, kind: 'network', name: net });
        await dockerOk(host, ['service', 'create', '-d', '--name', `${service}-db`, '--network', net, '--endpoint-mode', 'dnsrr', '--no-resolve-image', 'slipway-rig/redis:7']);
        created.push({ host, kind: 'service', name: `${service}-db` });
        await dockerOk(host, [
          'service', 'create', '-d', '--name', service, '--network', net, '--endpoint-mode', 'dnsrr', '--no-resolve-image',
          '--env', `REDIS_URL=redis://${service}-db:6379`, '--publish', `mode=host,target=3000,published=${port}`,
          '--update-delay', '1s', '--update-monitor', '2s', '--update-failure-action', 'rollback', '--rollback-monitor', '1s',
          previous,
        ]);
        created.push({ host, kind: 'service', name: service });
        await waitFor(async () => (await dockerOk(host, ['service', 'ps', '--filter', 'desired-state=running', '--format', '{{.CurrentState}}', service])).startsWith('Running'), {
          timeoutMs: 90_000,
          intervalMs: 500,
          what: `${service} 0.9 running on ${cluster}`,
        });
      }),
    );
    return ws;
  } catch (e) {
    await ws.dispose();
    throw e;
  }
}
