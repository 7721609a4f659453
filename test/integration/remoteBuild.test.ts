import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { workspaceHash } from '../../src/core/build/labels';
import { LABEL_WORKSPACE } from '../../src/core/run/runId';
import { CLI, FIXTURE, TempDirs, editYaml, slipway } from '../support/fixtureWorkspace';
import { rig, uniqueName } from '../support/rig';

// Builds on a cluster engine (build.engine): the engine cannot see the workspace, so it is shipped there as an
// archive and the results come back. Proved with a workspace that exists only in a private mount namespace: the
// engine (in the host's) sees an empty folder at that path, so a bind-mounted build there fails, a shipped one passes
// and brings back the same artifacts as a local build. Package, integration tests and compose bind mounts on a
// worker engine reached through a Docker context.

const temps = new TempDirs();
const tempDir = (prefix: string): string => temps.make(prefix);
const workspace = (edit?: (dir: string) => void): string => temps.workspace('slipway-remote-', edit);

/** `path mode sha1` of every file under `dir/sub`, sorted: what "the same artifacts" means. */
const LIST_FILES = 'cd "$1" && find "$2" -type f -exec stat -c "%n %a" {} \\; -exec sha1sum {} \\; | paste - - | awk "{print \\$1, \\$2, \\$3}" | sort';

function listFiles(dir: string, sub: string): string {
  const r = spawnSync('sh', ['-c', LIST_FILES, 'list', dir, sub], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

async function labelled(docker: Docker, dir: string): Promise<string[]> {
  const label = [`${LABEL_WORKSPACE}=${workspaceHash(dir)}`];
  const containers = await docker.listContainers({ all: true, filters: { label } });
  const volumes = (await docker.listVolumes({ filters: { label } })).Volumes ?? [];
  const networks = await docker.listNetworks({ filters: { label } });
  return [...containers.map((c) => `container ${c.Names[0]}`), ...volumes.map((v) => `volume ${v.Name}`), ...networks.map((n) => `network ${n.Name}`)];
}

describe('builds on a cluster engine (build.engine: the workspace shipped, results copied back)', function () {
  this.timeout(240_000);
  const r = rig();
  const manager = new Docker({ socketPath: r.prodLike.host.replace('unix://', '') });
  const worker = r.prodLike.nodes.find((n) => n.role === 'worker')!;
  const workerDocker = new Docker({ socketPath: worker.host.replace('unix://', '') });
  let dockerConfig: string;

  before(function () {
    assert.ok(existsSync(CLI), 'dist/cli.js is missing: run npm run build');
    // A Docker context for the worker engine, in a config folder of the test's own.
    dockerConfig = tempDir('slipway-docker-config-');
    const created = spawnSync('docker', ['context', 'create', 'slipway-worker', '--docker', `host=${worker.host}`], { encoding: 'utf8', env: { ...process.env, DOCKER_CONFIG: dockerConfig } });
    assert.equal(created.status, 0, created.stderr);
  });
  after(() => {
    temps.removeAll();
  });

  it('builds in a workspace the engine cannot see: shipped, steps run there, the same artifacts as a local build come back', async () => {
    const local = workspace();
    const localRun = slipway(local, ['build']);
    assert.equal(localRun.status, 0, `local build failed:\n${localRun.stdout}\n${localRun.stderr}`);
    const expected = listFiles(local, 'dist');
    assert.match(expected, /dist\/server\.js 644 [0-9a-f]{40}/);

    const remote = workspace((dir) =>
      editYaml(join(dir, 'slipway.yml'), (doc) => {
        // The fixture's .dockerignore leaves out test/ (for the image); the builder needs the unit tests.
        doc.build.engine = { cluster: 'prod-like', ignore: ['.git', 'dist', 'node_modules'] };
      }),
    );
    // Only this process's private mount namespace sees the workspace at `hidden`; the engine sees an empty folder.
    const hidden = tempDir('slipway-hidden-');
    const script = [
      'set -u',
      'mount -t tmpfs slipway-hidden "$1" || exit 90',
      'cp -a "$2"/. "$1"/',
      'node "$3" -C "$1" build > "$1/.shipped.log" 2>&1; echo "shipped-exit $?"',
      // The control: the same workspace without build.engine bind-mounts it, and the engine sees an empty folder.
      'cp "$4/slipway.yml" "$1/slipway.yml"',
      'node "$3" -C "$1" build > "$1/.bound.log" 2>&1; echo "bound-exit $?"',
      'echo "--- shipped log"; cat "$1/.shipped.log"; echo "--- bound log"; cat "$1/.bound.log"',
      `echo "--- files"; sh -c '${LIST_FILES.replace(/'/g, `'\\''`)}' list "$1" dist`,
    ].join('\n');
    const run = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'hidden', hidden, remote, CLI, FIXTURE], { encoding: 'utf8', timeout: 200_000 });
    assert.equal(run.status, 0, `namespace script failed:\n${run.stdout}\n${run.stderr}`);
    const out = run.stdout;
    assert.match(out, /shipped-exit 0/, out);
    assert.match(out, /Build .* on cluster prod-like/);
    assert.match(out, /--- build: ship workspace passed/);
    assert.match(out, /--- build: copy artifacts back passed/);
    assert.match(out, /bound-exit 1/, 'the control build with a bind mount should fail: the engine must not see the workspace');
    assert.match(out.split('--- bound log')[1]!.split('--- files')[0]!, /Step deps failed/);
    assert.equal(out.split('--- files\n')[1], expected, 'the shipped build brought back other artifacts than the local build made');
    // On the host (the engine's view) the path holds none of the workspace.
    assert.ok(!existsSync(join(hidden, 'server.js')), 'the workspace leaked into the host mount namespace');
    assert.deepEqual(await labelled(manager, join(hidden)), []);
  });

  it('on a worker through a Docker context: .dockerignore honoured, only the artifacts come back (also from a failed step), .git never, deletions mirrored', async () => {
    const dir = workspace((d) => {
      // .git is shipped here (not in .dockerignore), so that the build can try to change it.
      writeFileSync(join(d, '.dockerignore'), 'secret.env\nnode_modules\n');
      writeFileSync(join(d, 'secret.env'), 'TOKEN=do-not-ship\n');
      writeFileSync(join(d, 'obsolete.txt'), 'to be deleted by the build\n');
      editYaml(join(d, 'slipway.yml'), (doc) => {
        doc.build.engine = { context: 'slipway-worker', artifacts: ['out', 'obsolete.txt'] };
        doc.build.steps = [
          { name: 'not-shipped', run: 'test ! -e secret.env && test -d .git' },
          { name: 'outputs', run: 'mkdir -p out && echo built > out/bin.txt && echo junk > junk.txt && rm obsolete.txt && echo tampered > .git/description' },
          { name: 'tests', run: 'echo "<testsuite failures=\\"1\\"/>" > out/report.xml; exit 3' },
        ];
      });
    });
    const description = readFileSync(join(dir, '.git', 'description'), 'utf8');
    const run = slipway(dir, ['build'], { DOCKER_CONFIG: dockerConfig });
    assert.equal(run.status, 1, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /on context slipway-worker/);
    assert.match(run.stdout, /Step tests failed with exit code 3/);
    assert.match(run.stdout, /--- build: not-shipped passed/, 'secret.env was shipped (or .git was not)');
    assert.match(run.stdout, /--- build: copy artifacts back passed/);
    assert.equal(readFileSync(join(dir, 'out', 'bin.txt'), 'utf8'), 'built\n');
    assert.match(readFileSync(join(dir, 'out', 'report.xml'), 'utf8'), /testsuite/, "the failed step's report did not come back");
    assert.ok(!existsSync(join(dir, 'junk.txt')), 'a file outside the artifacts came back');
    assert.ok(!existsSync(join(dir, 'obsolete.txt')), 'the file the build deleted is still here');
    assert.match(run.stdout, /deleted obsolete\.txt/);
    assert.equal(readFileSync(join(dir, '.git', 'description'), 'utf8'), description, '.git was changed by the build');
    assert.equal(readFileSync(join(dir, 'secret.env'), 'utf8'), 'TOKEN=do-not-ship\n');
    assert.deepEqual(await labelled(workerDocker, dir), []);
  });

  it('hides what the builder image has at the workdir, as a bind mount would: none of it comes back', async () => {
    const builder = uniqueName('baked-builder');
    const dockerfile = 'FROM slipway-rig/busybox:1\nRUN mkdir -p /work/cache && echo baked > /work/baked.txt && echo cached > /work/cache/c.txt\n';
    const built = spawnSync('docker', ['-H', worker.host, 'build', '-q', '-t', builder, '-'], { input: dockerfile, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    try {
      const dir = workspace((d) =>
        editYaml(join(d, 'slipway.yml'), (doc) => {
          doc.build.image = builder;
          doc.build.workdir = '/work';
          doc.build.engine = { context: 'slipway-worker', ignore: ['.git'] };
          doc.build.steps = [{ name: 'clean', run: 'test ! -e baked.txt && test ! -e cache && test -e server.js && echo made > made.txt' }];
        }),
      );
      const run = slipway(dir, ['build'], { DOCKER_CONFIG: dockerConfig });
      assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
      assert.equal(readFileSync(join(dir, 'made.txt'), 'utf8'), 'made\n');
      assert.ok(!existsSync(join(dir, 'baked.txt')) && !existsSync(join(dir, 'cache')), "the image's own files came back into the workspace");
      assert.match(run.stdout, /copied back 1 file,/);
      assert.deepEqual(await labelled(workerDocker, dir), [], 'the workdir volume is left');
    } finally {
      await workerDocker.getImage(builder).remove({ force: true }).catch(() => undefined);
    }
  });

  it('keeps a file the user changes while the shipped build runs, and says so', async () => {
    const dir = workspace((d) =>
      editYaml(join(d, 'slipway.yml'), (doc) => {
        doc.build.engine = { cluster: 'prod-like', ignore: ['.git'] };
        doc.build.steps = [
          { name: 'wait', run: 'sleep 3' },
          { name: 'rewrite', run: 'echo "from the build" > README.md && echo new > made.txt' },
        ];
      }),
    );
    const child = spawn(process.execPath, [CLI, '-C', dir, 'build'], { env: process.env });
    let stdout = '';
    let edited = false;
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (!edited && /build: ship workspace passed/.test(stdout)) {
        edited = true;
        writeFileSync(join(dir, 'README.md'), 'my edit\n');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, stdout);
    assert.ok(edited, 'the ship stage was never reported');
    assert.equal(readFileSync(join(dir, 'README.md'), 'utf8'), 'my edit\n', "the build's version overwrote the user's edit");
    assert.match(stdout, /kept README\.md as you changed it during the build/);
    assert.equal(readFileSync(join(dir, 'made.txt'), 'utf8'), 'new\n');
  });

  it('SIGINT during a shipped build removes the builder on the remote engine at once (exit 130) and copies nothing back', async () => {
    const dir = workspace((d) =>
      editYaml(join(d, 'slipway.yml'), (doc) => {
        doc.build.engine = { context: 'slipway-worker', ignore: ['.git'] };
        doc.build.steps = [{ name: 'slow', run: 'echo partial > made.txt && echo started && sleep 60' }];
      }),
    );
    const child = spawn(process.execPath, [CLI, '-C', dir, 'build'], { env: { ...process.env, DOCKER_CONFIG: dockerConfig } });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (/^started$/m.test(stdout)) child.kill('SIGINT');
    });
    const started = Date.now();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 130, stdout);
    assert.ok(Date.now() - started < 30_000, 'the cancel waited for the step');
    assert.match(stdout, /CANCELLED/);
    assert.ok(!existsSync(join(dir, 'made.txt')), 'a cancelled build copied its files back');
    assert.deepEqual(await labelled(workerDocker, dir), [], 'the builder container is left on the worker');
  });

  it('packages and runs the integration tests on the worker; a workspace bind of the test compose file is shipped and what the tests write comes back', async () => {
    const image = uniqueName('remote-app');
    const dir = workspace((d) => {
      editYaml(join(d, 'slipway.yml'), (doc) => {
        doc.build.engine = { context: 'slipway-worker' };
        doc.package.image = image;
        doc.integration.parallel = 1;
      });
      editYaml(join(d, 'docker-compose.test.yml'), (doc) => {
        doc.services.tests.command = ['sh', '-c', 'node tests/integration.js && cat /config/greeting.txt > /reports/result.txt'];
        doc.services.tests.volumes = ['./reports:/reports', './config:/config:ro'];
        doc.services.tests.user = '0:0';
      });
      mkdirSync(join(d, 'config'));
      writeFileSync(join(d, 'config', 'greeting.txt'), 'hello from the workspace\n');
    });
    try {
      // In a private mount namespace, as in the first test: the worker's engine cannot see the workspace's path.
      const hidden = tempDir('slipway-hidden-');
      const script = [
        'mount -t tmpfs slipway-hidden "$1" || exit 90',
        'cp -a "$2"/. "$1"/',
        'node "$3" -C "$1" package; echo "package-exit $?"',
        'node "$3" -C "$1" test integration; echo "test-exit $?"',
        'echo "--- result"; cat "$1/reports/result.txt"; echo "--- config"; ls "$1/config"',
      ].join('\n');
      const run = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'hidden', hidden, dir, CLI], {
        encoding: 'utf8',
        timeout: 200_000,
        env: { ...process.env, DOCKER_CONFIG: dockerConfig },
      });
      const out = run.stdout;
      assert.equal(run.status, 0, `namespace script failed:\n${out}\n${run.stderr}`);
      assert.match(out, /package-exit 0/, out);
      await workerDocker.getImage(`${image}:develop`).inspect();
      await assert.rejects(manager.getImage(`${image}:develop`).inspect(), 'the image was built on the default engine, not the worker');
      assert.match(out, /test-exit 0/, out);
      assert.match(out, /shipped \.\/config \(1 files\) as volume/);
      assert.equal(out.split('--- result\n')[1]!.split('--- config')[0], 'hello from the workspace\n', 'what the tests wrote did not come back');
      assert.equal(out.split('--- config\n')[1], 'greeting.txt\n');
      assert.deepEqual(await labelled(workerDocker, hidden), []);
    } finally {
      await workerDocker.getImage(`${image}:develop`).remove({ force: true }).catch(() => undefined);
    }
  });

  it('runs the pipeline up to the functional tests on the build engine: unit tests and build shipped, the image pushed from there', async () => {
    const image = uniqueName('remote-pipe');
    const dir = workspace((d) =>
      editYaml(join(d, 'slipway.yml'), (doc) => {
        doc.build.engine = { context: 'slipway-worker', ignore: ['.git', 'node_modules', 'dist'] };
        doc.package.image = image;
        doc.integration.parallel = 1;
      }),
    );
    try {
      const run = slipway(dir, ['pipeline', '--to', 'functional-tests'], { DOCKER_CONFIG: dockerConfig });
      assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
      assert.match(run.stdout, new RegExp(`shipped \\d+ files, .* to /src on ${worker.host.replace(/[/.]/g, '\\$&')}`));
      assert.match(run.stdout, new RegExp(`pushed ${r.registry}/${image}@sha256:[0-9a-f]{64}`));
      assert.match(run.stdout, /PASS functional-tests/);
      await workerDocker.getImage(`${image}:develop`).inspect();
      await assert.rejects(manager.getImage(`${image}:develop`).inspect(), 'the pipeline packaged on the default engine');
      assert.ok(existsSync(join(dir, 'dist', 'server.js')), 'the build stage brought no artifacts back');
      assert.deepEqual(await labelled(workerDocker, dir), []);
    } finally {
      await workerDocker.getImage(`${image}:develop`).remove({ force: true }).catch(() => undefined);
      await workerDocker.getImage(`${r.registry}/${image}:develop`).remove({ force: true }).catch(() => undefined);
    }
  });

  it('refuses an engine that names no cluster (slipway.yml:line:col) or an unknown Docker context, before anything runs', () => {
    const dir = workspace((d) => editYaml(join(d, 'slipway.yml'), (doc) => (doc.build.engine = { cluster: 'staging' })));
    const unknownCluster = slipway(dir, ['build']);
    assert.equal(unknownCluster.status, 1);
    assert.match(unknownCluster.stderr, /slipway\.yml:\d+:\d+: build\.engine\.cluster names no cluster of this file \("staging"\)/);
    assert.match(unknownCluster.stderr, /Known clusters: prod-like, production/);

    editYaml(join(dir, 'slipway.yml'), (doc) => (doc.build.engine = { context: 'nowhere' }));
    const unknownContext = slipway(dir, ['build'], { DOCKER_CONFIG: dockerConfig });
    assert.equal(unknownContext.status, 1);
    assert.match(unknownContext.stderr, /Unknown Docker context "nowhere"/);
    assert.match(unknownContext.stderr, /slipway-worker/);
  });
});
