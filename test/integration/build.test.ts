import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import Docker from 'dockerode';
import { CLI, FIXTURE, TempDirs, editYaml, git, slipway, type CliRun } from '../support/fixtureWorkspace';
import { workspaceHash, runLabels } from '../../src/core/build/labels';
import { LABEL_WORKSPACE } from '../../src/core/run/runId';
import { reapOrphans } from '../../src/adapters/docker/janitor';
import { projectResources } from '../../src/adapters/compose/environment';

// Containerized build, package and integration tests against the real engine, through the built CLI
// (dist/cli.js), on temp copies of the go-auth fixture. After every test: nothing labelled with the temp
// workspace is left (containers, networks, volumes).

const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const BUILDER = 'slipway-rig/node:20';

const temps = new TempDirs();
/** A temp git repository holding a copy of the fixture; `edit` rewrites slipway.yml / compose before the commit. */
const workspace = (edit?: (dir: string) => void): string => temps.workspace('slipway-build-', edit);

/** Everything on the engine carrying the workspace's label. */
async function leftovers(dir: string): Promise<string[]> {
  const label = [`${LABEL_WORKSPACE}=${workspaceHash(dir)}`];
  const containers = await docker.listContainers({ all: true, filters: { label } });
  const networks = await docker.listNetworks({ filters: { label } });
  const volumes = (await docker.listVolumes({ filters: { label } })).Volumes ?? [];
  return [...containers.map((c) => `container ${c.Names[0]}`), ...networks.map((n) => `network ${n.Name}`), ...volumes.map((v) => `volume ${v.Name}`)];
}

async function assertNothingLeft(dir: string, result?: { environments?: { projectName: string }[] }): Promise<void> {
  assert.deepEqual(await leftovers(dir), [], 'resources labelled with the workspace remain');
  // Also by compose's own project label, which compose puts on everything it creates (not only what we labelled).
  for (const env of result?.environments ?? []) {
    assert.deepEqual(await projectResources(docker, env.projectName), [], `resources of ${env.projectName} remain`);
  }
}

function json<T>(r: CliRun): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
}

interface BuildJson {
  runId: string;
  verdict: string;
  exitCode: number;
  steps: { name: string; result: string; exitCode?: number }[];
}
interface EnvJson {
  index: number;
  projectName: string;
  verdict: string;
  exitCode?: number;
  output: string;
  error?: { kind: string; message: string };
  ports: Record<string, number>;
}
interface IntegrationJson {
  verdict: string;
  exitCode: number;
  environments: EnvJson[];
}

describe('containerized build, package and integration tests (real engine)', function () {
  this.timeout(180_000);

  before(async function () {
    try {
      await docker.ping();
    } catch (e) {
      throw new Error(`the Docker rig is not up (run scripts/rig/up.sh): ${(e as Error).message}`);
    }
    await docker.getImage(BUILDER).inspect().catch(() => {
      throw new Error(`base image ${BUILDER} is missing: run scripts/rig/up.sh`);
    });
    assert.ok(existsSync(CLI), 'dist/cli.js is missing: run npm run build');
    assert.ok(existsSync(join(FIXTURE, 'slipway.yml')), `fixture missing at ${FIXTURE}`);
  });

  after(() => {
    temps.removeAll();
  });

  describe('slipway build', () => {
    it('runs every step in the builder over the workspace, streams stage headers, and the artifacts are the user’s', async () => {
      const dir = workspace();
      const r = slipway(dir, ['build', '--json']);
      assert.equal(r.status, 0, r.stderr);
      const result = json<BuildJson>(r);
      assert.equal(result.verdict, 'passed');
      assert.deepEqual(result.steps.map((s) => `${s.name}:${s.result}`), ['deps:passed', 'fmt:passed', 'test:passed', 'compile:passed']);
      // With --json the live log goes to stderr: stage headers, then each step's output.
      assert.match(r.stderr, /--- build: deps\n[\s\S]*deps: ok[\s\S]*--- build: compile passed/);
      const artifact = statSync(join(dir, 'dist', 'server.js'));
      assert.equal(artifact.uid, process.getuid!());
      assert.equal(artifact.gid, process.getgid!());
      await assertNothingLeft(dir);
    });

    it('runs as the configured uid:gid, so files it writes belong to that user', async () => {
      const dir = workspace((d) =>
        editYaml(join(d, 'slipway.yml'), (doc) => {
          doc['build'].user = '4321:4321';
          doc['build'].steps = [{ name: 'write', run: 'mkdir -p out && id -u > out/uid' }];
        }),
      );
      spawnSync('chmod', ['777', dir]);
      const r = slipway(dir, ['build']);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.equal(readFileSync(join(dir, 'out', 'uid'), 'utf8').trim(), '4321');
      assert.equal(statSync(join(dir, 'out', 'uid')).uid, 4321);
      await assertNothingLeft(dir);
    });

    it('a failing step fails the build with its exit code; later steps are skipped', async () => {
      const dir = workspace((d) =>
        editYaml(join(d, 'slipway.yml'), (doc) => {
          doc['build'].steps = [
            { name: 'ok', run: 'echo fine' },
            { name: 'broken', run: 'echo about to fail >&2; exit 7' },
            { name: 'never', run: 'touch never-ran' },
          ];
        }),
      );
      const r = slipway(dir, ['build', '--json']);
      assert.equal(r.status, 1);
      const result = json<BuildJson>(r);
      assert.equal(result.verdict, 'failed');
      assert.equal(result.exitCode, 7);
      assert.deepEqual(result.steps.map((s) => `${s.name}:${s.result}`), ['ok:passed', 'broken:failed', 'never:skipped']);
      assert.match(r.stderr, /about to fail/);
      assert.match(r.stderr, /slipway: Step broken failed with exit code 7/);
      assert.equal(existsSync(join(dir, 'never-ran')), false);
      await assertNothingLeft(dir);
    });

    it('SIGINT mid-build stops and removes the builder container at once (exit 130)', async () => {
      const dir = workspace((d) =>
        editYaml(join(d, 'slipway.yml'), (doc) => {
          doc['build'].steps = [{ name: 'slow', run: 'echo sleeping; sleep 60' }];
        }),
      );
      const child = spawn(process.execPath, [CLI, '-C', dir, 'build'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const deadline = Date.now() + 30_000;
      while (!out.includes('sleeping') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.match(out, /sleeping/, 'the build never started');
      assert.equal((await leftovers(dir)).length, 1, 'the builder container runs');
      const interrupted = Date.now();
      child.kill('SIGINT');
      const code = await exited;
      const elapsed = Date.now() - interrupted;
      assert.equal(code, 130);
      assert.ok(elapsed < 2500, `took ${elapsed} ms to stop`);
      await assertNothingLeft(dir);
      assert.match(out, /--- build: slow CANCELLED/);
    });

    it('a builder image that does not exist is a clear error and leaves nothing', async () => {
      const dir = workspace((d) => editYaml(join(d, 'slipway.yml'), (doc) => (doc['build'].image = 'slipway-test/no-such-builder:0')));
      const r = slipway(dir, ['build']);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /slipway: The builder image slipway-test\/no-such-builder:0 is not present on the engine/);
      assert.match(r.stderr, /hint: Build or load it first/);
      await assertNothingLeft(dir);
    });

    it('a missing or malformed slipway.yml names the file, line and column and what is expected', async () => {
      const missing = workspace((d) => rmSync(join(d, 'slipway.yml')));
      const r1 = slipway(missing, ['build']);
      assert.equal(r1.status, 1);
      assert.match(r1.stderr, /slipway: No slipway.yml in /);

      const bad = workspace((d) => writeFileSync(join(d, 'slipway.yml'), 'version: 1\nbuild:\n  image: x\n  steps:\n    - 42\n'));
      const r2 = slipway(bad, ['build', '--json']);
      assert.equal(r2.status, 1);
      const err = json<{ error: { kind: string; message: string; details: { line: number; column: number } } }>(r2).error;
      assert.equal(err.kind, 'config');
      assert.match(err.message, /slipway\.yml:5:7: build\.steps\.0 must be a shell command string, an argument list or \{name, run\}/);
      await assertNothingLeft(missing);
      await assertNothingLeft(bad);
    });

    it('an unreachable engine (DOCKER_HOST to a bad socket) is a clear error for build, package and tests', () => {
      const dir = workspace();
      const env = { DOCKER_HOST: 'unix:///nonexistent/slipway-test.sock' };
      for (const args of [['build'], ['package'], ['test', 'integration']]) {
        const r = slipway(dir, args, env);
        assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, /slipway: The Docker engine at unix:\/\/\/nonexistent\/slipway-test\.sock is not reachable \(ENOENT\)/);
        assert.match(r.stderr, /hint: Start the Docker engine/);
      }
    });
  });

  describe('slipway package', () => {
    it('tags go-auth:develop without a v tag, shows the id and size, and go-auth:X.Y.Z on a v tag', async () => {
      const dir = workspace();
      const r1 = slipway(dir, ['package', '--json']);
      assert.equal(r1.status, 0, r1.stderr);
      const p1 = json<{ image: string; version: string; imageId: string; sizeBytes: number }>(r1);
      assert.equal(p1.image, 'go-auth:develop');
      const info = await docker.getImage('go-auth:develop').inspect();
      assert.equal(p1.imageId, info.Id);
      assert.equal(p1.sizeBytes, info.Size);
      assert.match(slipway(dir, ['package']).stdout, /^go-auth:develop {2}sha256:[0-9a-f]{64} {2}\d+(\.\d)? MB$/m);

      const version = `0.0.${Date.now() % 100000}`;
      git(dir, 'tag', `v${version}`);
      const r2 = slipway(dir, ['package', '--json']);
      assert.equal(r2.status, 0, r2.stderr);
      const p2 = json<{ image: string; versionSource: string }>(r2);
      assert.equal(p2.image, `go-auth:${version}`);
      assert.equal(p2.versionSource, 'tag');
      await docker.getImage(`go-auth:${version}`).remove();

      const r3 = slipway(dir, ['package', '--version', 'not/valid']);
      assert.equal(r3.status, 2);
      assert.match(r3.stderr, /The version "not\/valid" is not a valid image tag/);
    });
  });

  describe('slipway test integration', () => {
    before(function () {
      // The image under test: go-auth:develop from the fixture (what `slipway package` tags without a v tag).
      const r = slipway(workspace(), ['package']);
      assert.equal(r.status, 0, r.stderr);
    });

    it('passes on the fixture (PUT /user 200 then 409) and tears everything down', async () => {
      const dir = workspace();
      const r = slipway(dir, ['test', 'integration', '--parallel', '1', '--json']);
      const result = json<IntegrationJson>(r);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(result.verdict, 'passed');
      const env = result.environments[0]!;
      assert.equal(env.exitCode, 0);
      assert.match(env.output, /PASS PUT \/user creates a new user \(200\)/);
      assert.match(env.output, /PASS PUT \/user with an existing username is a conflict \(409\)/);
      assert.match(env.projectName, /^slipway_[a-z0-9]+_1$/);
      assert.ok(env.ports['APP_PORT']! > 0);
      assert.match(r.stderr, /· app is healthy/);
      await assertNothingLeft(dir, result);
    });

    it('without a health condition on the app, waits for the app itself and then runs the test service', async () => {
      const dir = workspace((d) => {
        editYaml(join(d, 'docker-compose.test.yml'), (doc) => {
          doc['services'].tests.depends_on = ['app'];
        });
        editYaml(join(d, 'slipway.yml'), (doc) => (doc['integration'].parallel = 1));
      });
      const r = slipway(dir, ['test', 'integration', '--json']);
      const result = json<IntegrationJson>(r);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /· starting app and their dependencies\n[\s\S]*· app is healthy\n· running tests\n[\s\S]*Creating slipway_[a-z0-9]+_1_tests_run/);
      assert.match(result.environments[0]!.output, /PASS PUT \/user with an existing username is a conflict \(409\)/);
      await assertNothingLeft(dir, result);
    });

    it('runs 2 isolated environments at once (own project, network and port)', async () => {
      const dir = workspace();
      const r = slipway(dir, ['test', 'integration', '--parallel', '2', '--json']);
      const result = json<IntegrationJson>(r);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(result.environments.map((e) => e.verdict), ['passed', 'passed']);
      const [a, b] = result.environments;
      assert.notEqual(a!.projectName, b!.projectName);
      assert.notEqual(a!.ports['APP_PORT'], b!.ports['APP_PORT']);
      assert.match(r.stderr, /Creating network "slipway_[a-z0-9]+_1_default"/);
      assert.match(r.stderr, /Creating network "slipway_[a-z0-9]+_2_default"/);
      await assertNothingLeft(dir, result);
    });

    it('a failing test service fails the verdict with its exit code and output', async () => {
      const dir = workspace((d) =>
        editYaml(join(d, 'docker-compose.test.yml'), (doc) => {
          doc['services'].tests.command = ['node', '-e', "console.log('expected 409, got 200'); process.exit(4)"];
        }),
      );
      const r = slipway(dir, ['test', 'integration', '--json']);
      assert.equal(r.status, 1);
      const result = json<IntegrationJson>(r);
      const env = result.environments[0]!;
      assert.equal(env.verdict, 'failed');
      assert.equal(env.exitCode, 4);
      assert.match(env.output, /expected 409, got 200/);
      await assertNothingLeft(dir, result);
    });

    it('a test that hangs is stopped at the timeout with a clear error, and torn down', async () => {
      const dir = workspace((d) => {
        editYaml(join(d, 'docker-compose.test.yml'), (doc) => {
          doc['services'].tests.command = ['sh', '-c', 'echo hanging; sleep 600'];
        });
        editYaml(join(d, 'slipway.yml'), (doc) => {
          doc['integration'].testTimeoutSeconds = 3;
          doc['integration'].parallel = 1;
        });
      });
      const r = slipway(dir, ['test', 'integration', '--json']);
      assert.equal(r.status, 1);
      const result = json<IntegrationJson>(r);
      const env = result.environments[0]!;
      assert.equal(env.error?.kind, 'timeout');
      assert.match(env.error!.message, /The test service tests did not finish within 3 s/);
      assert.match(env.output, /hanging/);
      await assertNothingLeft(dir, result);
    });

    it('SIGINT during the tests cancels the run and still tears the environment down (exit 130)', async () => {
      const dir = workspace((d) => {
        editYaml(join(d, 'docker-compose.test.yml'), (doc) => {
          doc['services'].tests.command = ['sh', '-c', 'echo hanging; sleep 600'];
        });
        editYaml(join(d, 'slipway.yml'), (doc) => (doc['integration'].parallel = 1));
      });
      const child = spawn(process.execPath, [CLI, '-C', dir, 'test', 'integration'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const deadline = Date.now() + 120_000;
      while (!out.includes('hanging') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.match(out, /hanging/, `the test service never started:\n${out}`);
      child.kill('SIGINT');
      assert.equal(await exited, 130);
      assert.match(out, /--- integration CANCELLED/);
      const project = /project (slipway_[a-z0-9]+_1)/.exec(out)![1]!;
      await assertNothingLeft(dir, { environments: [{ projectName: project }] });
    });

    it('a host port already taken names the port and leaves nothing', async () => {
      const server: Server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as { port: number }).port;
      try {
        const dir = workspace((d) => {
          editYaml(join(d, 'docker-compose.test.yml'), (doc) => {
            doc['services'].app.ports = [`127.0.0.1:${port}:3000`];
          });
          editYaml(join(d, 'slipway.yml'), (doc) => (doc['integration'].parallel = 1));
        });
        const r = slipway(dir, ['test', 'integration', '--json']);
        assert.equal(r.status, 1);
        const result = json<IntegrationJson>(r);
        const env = result.environments[0]!;
        assert.equal(env.error?.message, `Host port ${port} is already in use, so the compose environment could not start`);
        assert.match(r.stdout + r.stderr, /publish a variable port/);
        await assertNothingLeft(dir, result);
      } finally {
        server.close();
      }
    });

    it('a compose file with errors is reported with compose’s reason and leaves nothing', async () => {
      const dir = workspace((d) => {
        editYaml(join(d, 'docker-compose.test.yml'), (doc) => {
          doc['services'].app.restartt = 'always';
        });
        editYaml(join(d, 'slipway.yml'), (doc) => (doc['integration'].parallel = 1));
      });
      const r = slipway(dir, ['test', 'integration', '--json']);
      assert.equal(r.status, 1);
      const result = json<IntegrationJson>(r);
      const env = result.environments[0]!;
      assert.equal(env.error?.kind, 'docker');
      assert.match(env.error!.message, /compose up failed \(exit 1\): .*Unsupported config option for services\.app: 'restartt'/);
      await assertNothingLeft(dir, result);

      const broken = workspace((d) => writeFileSync(join(d, 'docker-compose.test.yml'), 'services:\n  app:\n    image: [oops\n'));
      const r2 = slipway(broken, ['test', 'integration']);
      assert.equal(r2.status, 1);
      assert.match(r2.stderr, /slipway: docker-compose\.test\.yml:\d+:\d+: /);
      await assertNothingLeft(broken);
    });
  });

  describe('janitor', () => {
    it('reaps resources of runs whose process is gone, and leaves live runs alone', async () => {
      const dir = workspace();
      const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid!;
      const host = 'slipway-janitor-test';
      const make = async (pid: number, name: string): Promise<Docker.Container> =>
        docker.createContainer({ name, Image: 'slipway-rig/busybox:1', Cmd: ['true'], Labels: runLabels(`jan${pid}`, dir, 'build', { hostname: host, pid }) });
      const suffix = Date.now().toString(36);
      await make(dead, `slipway_janitor_dead_${suffix}`);
      const live = await make(process.pid, `slipway_janitor_live_${suffix}`);
      const network = await docker.createNetwork({ Name: `slipway_janitor_net_${suffix}`, Labels: runLabels(`jan${dead}`, dir, 'integration', { hostname: host, pid: dead }) });
      try {
        const report = await reapOrphans(docker, host);
        assert.deepEqual(report, { containers: 1, networks: 1, volumes: 0 });
        assert.deepEqual(await leftovers(dir), [`container /slipway_janitor_live_${suffix}`]);
      } finally {
        await live.remove({ force: true });
        await network.remove().catch(() => undefined);
      }
      await assertNothingLeft(dir);
    });
  });
});
