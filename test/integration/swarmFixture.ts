/**
 * Shared setup for the swarm integration tests: an app image built from the rig's node base (versions 1.0, 1.1 and
 * a "bad" one whose health check fails) pushed to the rig registry under a unique repository, services created
 * with the docker CLI on either cluster, and cleanup of everything created (services, local images on every
 * engine, registry manifests).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterTarget } from '../../src/core/swarm/model';
import { dockerCli, dockerOk, rig, uniqueName, waitFor, type Rig } from '../support/rig';

export const ROOT = join(__dirname, '..', '..', '..');
const APP = join(ROOT, 'test', 'fixtures', 'swarm-app');
const CLI = join(ROOT, 'dist', 'cli.js');

export interface SwarmFixture {
  readonly rig: Rig;
  /** e.g. localhost:5000/slipway-test-123-abc-app */
  readonly repository: string;
  readonly clusters: ClusterTarget[];
  readonly digests: Record<string, string>;
  readonly hostOf: (cluster: string) => string;
  /** Creates a service (1 replica, no publish, monitor 1 s, failure action rollback) and waits until it runs. */
  readonly createService: (cluster: string, version: string, extra?: string[], name?: string) => Promise<string>;
  readonly cleanup: () => Promise<void>;
  readonly cliEnv: (clusters?: ClusterTarget[]) => NodeJS.ProcessEnv;
}

export async function setUpSwarmFixture(versions: readonly string[] = ['1.0', '1.1', 'bad']): Promise<SwarmFixture> {
  const r = rig();
  const repository = `${r.registry}/${uniqueName('app')}`;
  const clusters: ClusterTarget[] = [
    { name: 'prod-like', role: 'prod-like', host: r.prodLike.host, source: 'env' },
    { name: 'production', role: 'production', host: r.production.host, source: 'env' },
  ];
  const hostOf = (cluster: string): string => clusters.find((c) => c.name === cluster)!.host!;
  const digests: Record<string, string> = {};
  for (const v of versions) {
    const tag = `${repository}:${v}`;
    await dockerOk(r.prodLike.host, ['build', '-q', '-t', tag, '--build-arg', `APP_VERSION=${v}`, '--build-arg', `HEALTHY=${v === 'bad' ? 0 : 1}`, APP], { timeoutMs: 120_000 });
    await dockerOk(r.prodLike.host, ['push', '-q', tag], { timeoutMs: 120_000 });
    const head = await fetch(`http://${r.registry}/v2/${repository.slice(r.registry.length + 1)}/manifests/${v}`, { method: 'HEAD', headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
    digests[v] = head.headers.get('docker-content-digest')!;
  }
  const services: { cluster: string; name: string }[] = [];
  return {
    rig: r,
    repository,
    clusters,
    digests,
    hostOf,
    async createService(cluster, version, extra = [], name = uniqueName('svc')) {
      services.push({ cluster, name });
      await dockerOk(hostOf(cluster), [
        'service', 'create', '-d', '-q', '--name', name, '--no-resolve-image', '--endpoint-mode', 'dnsrr',
        '--update-monitor', '1s', '--update-delay', '0s', '--update-failure-action', 'rollback', '--rollback-monitor', '1s',
        '--label', 'io.slipway.test=swarm', ...extra, `${repository}:${version}`,
      ]);
      await waitFor(async () => /^([1-9]\d*)\/\1(?: \(max \d+ per node\))?$/.test(await dockerOk(hostOf(cluster), ['service', 'ls', '--filter', `name=${name}`, '--format', '{{.Replicas}}'])), { timeoutMs: 60_000, what: `${name} to run` });
      return name;
    },
    cliEnv(list = clusters) {
      return { ...process.env, SLIPWAY_CLUSTERS: JSON.stringify(list) };
    },
    async cleanup() {
      for (const s of services) await dockerCli(hostOf(s.cluster), ['service', 'rm', s.name]);
      // Task containers take a moment to go, and an image in use cannot be removed: retry until gone.
      // every engine of both clusters: workers pulled the images their tasks ran
      for (const n of [...r.prodLike.nodes, ...r.production.nodes]) {
        await waitFor(async () => {
          const ids = (await dockerOk(n.host, ['images', '-q', '--no-trunc', repository])).split('\n').filter((l) => l.length > 0);
          if (ids.length === 0) return true;
          await dockerCli(n.host, ['rmi', '-f', ...new Set(ids)]);
          return false;
        }, { timeoutMs: 30_000, intervalMs: 500, what: `images of ${repository} removed from ${n.name}` }).catch(() => undefined);
      }
      for (const d of new Set(Object.values(digests))) {
        await fetch(`http://${r.registry}/v2/${repository.slice(r.registry.length + 1)}/manifests/${d}`, { method: 'DELETE' }).catch(() => undefined);
      }
    },
  };
}

/**
 * slipway.yml of a workspace that deploys the fixture's app as the stack `stack` (files: stack.yml) to prod-like and,
 * when `production` is given (extra keys of that cluster, e.g. `, stackFiles: [...]`), to production.
 */
export function stackSlipwayYml(fx: SwarmFixture, stack: string, production?: string): string {
  return `version: 1
package: { image: ${fx.repository.slice(fx.rig.registry.length + 1)} }
clusters:
  prod-like: { host: ${fx.hostOf('prod-like')}, role: prod-like }
${production !== undefined ? `  production: { host: ${fx.hostOf('production')}, role: production${production} }\n` : ''}deploy:
  stack: ${stack}
  files: [stack.yml]
  app: app
  registry: ${fx.rig.registry}
`;
}

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI in an empty directory (no slipway.yml), so clusters come from SLIPWAY_CLUSTERS only. */
export function slipway(env: NodeJS.ProcessEnv, ...args: string[]): CliResult {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-swarm-cli-'));
  try {
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env, cwd: dir, timeout: 120_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The service's image as the engine has it. */
export async function serviceImage(host: string, name: string): Promise<string> {
  return dockerOk(host, ['service', 'inspect', name, '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}']);
}
