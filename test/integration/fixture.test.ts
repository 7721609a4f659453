import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { dockerCli, dockerOk, exec, rig, uniqueName, type Rig } from '../support/rig';

const FIXTURE = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'go-auth');

describe('go-auth fixture workspace', function () {
  let r: Rig;
  before(() => {
    r = rig();
  });

  it('its unit tests pass with plain node --test', async () => {
    const res = await exec(process.execPath, ['--test', 'test/unit/'], { timeoutMs: 60_000, cwd: FIXTURE });
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /# pass [1-9]/);
    assert.match(res.stdout, /# fail 0/);
  });

  it('its compose environment answers PUT /user with 200 then 409 and leaves nothing behind', async () => {
    const image = `${uniqueName('go-auth')}:develop`;
    const project = uniqueName('goauth').replace(/-/g, '');
    const compose = (args: string[]) =>
      exec('docker-compose', ['-p', project, '-f', join(FIXTURE, 'docker-compose.test.yml'), ...args], {
        timeoutMs: 120_000,
        env: { ...process.env, SLIPWAY_IMAGE: image, DOCKER_HOST: r.prodLike.host },
      });
    await dockerOk(r.prodLike.host, ['build', '-q', '-t', image, FIXTURE]);
    try {
      const up = await compose(['up', '--exit-code-from', 'tests', '--abort-on-container-exit']);
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.match(up.stdout, /PASS PUT \/user creates a new user \(200\)/);
      assert.match(up.stdout, /PASS PUT \/user with an existing username is a conflict \(409\)/);
      assert.match(up.stdout, /4 passed, 0 failed/);
    } finally {
      const down = await compose(['down', '-v', '--remove-orphans']);
      await dockerCli(r.prodLike.host, ['image', 'rm', '-f', image]);
      assert.equal(down.code, 0, down.stderr);
    }
    const left = await dockerOk(r.prodLike.host, ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`]);
    assert.equal(left, '', 'containers left behind');
    const nets = await dockerOk(r.prodLike.host, ['network', 'ls', '-q', '--filter', `label=com.docker.compose.project=${project}`]);
    assert.equal(nets, '', 'networks left behind');
  });
});
