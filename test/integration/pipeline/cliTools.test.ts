import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterConfig } from '../../../src/core/config/model';
import { newRunId } from '../../../src/core/run/runId';
import { pushImage } from '../../../src/adapters/docker/push';
import { createPipelinePorts } from '../../../src/adapters/wiring';
import { pipelineToolkit } from '../../../src/app/pipeline/tools';
import { rig } from '../../support/rig';

function docker(host: string, ...args: string[]) {
  return spawnSync('docker', args, { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: host } });
}

describe("pipeline tools on the rig: push by digest, test containers on a cluster engine", function () {
  this.timeout(120_000);
  const r = rig();
  const runId = newRunId();
  const image = `slipway-pipeline-test-${runId}`;
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'slipway-pipeline-tools-'));
    const base = r.baseImages.find((i) => i.includes('busybox')) ?? r.baseImages[0]!;
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${base}\nLABEL io.slipway.run=${runId}\nCMD ["true"]\n`);
    const b = docker(r.prodLike.host, 'build', '-q', '-t', `${image}:develop`, dir);
    assert.equal(b.status, 0, b.stderr);
  });

  after(() => {
    docker(r.prodLike.host, 'rmi', '-f', `${image}:develop`, `${r.registry}/${image}:develop`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('pushes the packaged image to the registry and returns the reference by the registry digest', async () => {
    const lines: string[] = [];
    const pushed = await pushImage({ image: `${image}:develop`, registry: r.registry, version: 'develop', signal: new AbortController().signal, log: (l) => lines.push(l), env: { ...process.env, DOCKER_HOST: r.prodLike.host } });
    assert.match(pushed.digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(pushed.reference, `${r.registry}/${image}@${pushed.digest}`);
    assert.equal(pushed.tag, `${r.registry}/${image}:develop`);
    const inspect = docker(r.prodLike.host, 'image', 'inspect', '--format', '{{json .RepoDigests}}', pushed.tag);
    assert.ok((JSON.parse(inspect.stdout) as string[]).includes(pushed.reference), inspect.stdout);
    assert.ok(lines.some((l) => l.includes(pushed.digest)), 'the push output is in the stage log');
  });

  const cluster = (): ClusterConfig => ({ name: 'production', role: 'production', host: r.production.host, source: 'slipway.yml' });
  const compose = (command: string) => {
    const base = r.baseImages.find((i) => i.includes('busybox')) ?? r.baseImages[0]!;
    writeFileSync(join(dir, 'tests.yml'), `version: "3.8"\nservices:\n  smoke:\n    image: ${base}\n    network_mode: host\n    environment: [SLIPWAY_VERSION, SLIPWAY_IMAGE]\n    command: ["sh", "-c", ${JSON.stringify(command)}]\n`);
  };
  const leftovers = () =>
    [
      docker(r.production.host, 'ps', '-aq', '--filter', `label=io.slipway.run=${runId}`).stdout.trim(),
      docker(r.production.host, 'network', 'ls', '-q', '--filter', `label=io.slipway.run=${runId}`).stdout.trim(),
    ].join('');
  const runTestContainer = (o: Parameters<ReturnType<typeof pipelineToolkit>['runTestContainer']>[0]) => pipelineToolkit(createPipelinePorts(process.env)).runTestContainer(o);

  it('runs the test service on the cluster engine with the version and image, and cleans up', async () => {
    compose('echo testing $SLIPWAY_IMAGE $SLIPWAY_VERSION; test "$SLIPWAY_VERSION" = 1.2.3');
    const lines: string[] = [];
    await runTestContainer({ runId, workspaceDir: dir, cluster: cluster(), compose: 'tests.yml', test: 'smoke', image: 'reg/app@sha256:abc', version: '1.2.3', signal: new AbortController().signal, log: (l) => lines.push(l) });
    assert.ok(lines.includes('testing reg/app@sha256:abc 1.2.3'), lines.join('\n'));
    assert.equal(leftovers(), '');
  });

  it('a failing test service fails with its exit code and the cluster name, and cleans up', async () => {
    compose('echo broken >&2; exit 7');
    await assert.rejects(
      runTestContainer({ runId, workspaceDir: dir, cluster: cluster(), compose: 'tests.yml', test: 'smoke', image: 'x', version: '1', signal: new AbortController().signal, log: () => undefined }),
      (e: Error & { kind?: string }) => e.kind === 'testFailed' && e.message === 'smoke exited with code 7 against production',
    );
    assert.equal(leftovers(), '');
  });
});
