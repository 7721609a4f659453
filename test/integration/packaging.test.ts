import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// What a publisher ships, made the way they make it, from the built dist/ (npm run build): the .vsix with the real
// @vscode/vsce, the CLI with the real `npm pack`, installed with `npm i -g` into a temporary prefix.
const ROOT = join(__dirname, '..', '..', '..');
const VSCE = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

/** Entry names of a zip file, read with unzip (the .vsix is a zip). */
function zipEntries(file: string): string[] {
  const out = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.length > 0 && !l.endsWith('/'));
}

describe('packaging: the .vsix and the npm CLI package', function () {
  this.timeout(120_000);
  let tmp: string;
  before(() => (tmp = mkdtempSync(join(tmpdir(), 'slipway-pack-'))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('vsce packages only what runs, without source maps, sources or tests, under 2 MB', () => {
    const vsix = join(tmp, `slipway-${pkg.version}.vsix`);
    execFileSync(process.execPath, [VSCE, 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', vsix], { cwd: ROOT, stdio: 'pipe' });
    const entries = zipEntries(vsix);
    const files = entries.filter((e) => e.startsWith('extension/')).map((e) => e.slice('extension/'.length));
    for (const needed of ['package.json', 'readme.md', 'changelog.md', 'LICENSE.txt', 'dist/extension.js', 'media/icon.png', 'schemas/slipway.schema.json', 'syntaxes/slipway-log.tmLanguage.json', 'media/pipeline/pipeline.js']) {
      assert.ok(files.includes(needed), `${needed} is missing from the .vsix: ${files.join(', ')}`);
    }
    const unwanted = files.filter((f) => /\.map$|\.ts$|^src\/|^test\/|^out\/|^bench\/|^scripts\/|^node_modules\/|^dist\/cli/.test(f));
    assert.deepEqual(unwanted, [], 'the .vsix holds files that do not run in the editor');
    const size = statSync(vsix).size;
    assert.ok(size <= 2 * 1024 * 1024, `the .vsix is ${(size / 1024 / 1024).toFixed(2)} MB (limit 2 MB)`);
    const manifest = JSON.parse(execFileSync('unzip', ['-p', vsix, 'extension/package.json'], { encoding: 'utf8' })) as Record<string, unknown>;
    for (const field of ['license', 'repository', 'icon', 'categories', 'keywords']) assert.ok(manifest[field], `package.json has no ${field}`);
  });

  it('the CLI bundles share the Docker client: dockerode is in one chunk, not in every command', () => {
    const dir = join(ROOT, 'dist', 'cli');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.mjs'));
    assert.ok(files.length >= 10, `expected the entry, the command chunks and shared chunks in dist/cli: ${files.join(', ')}`);
    // A string only dockerode's container API has.
    const withDockerode = files.filter((f) => readFileSync(join(dir, f), 'utf8').includes('/containers/create'));
    assert.equal(withDockerode.length, 1, `dockerode is in ${withDockerode.join(', ')}`);
    const entry = readFileSync(join(dir, 'bin.mjs'), 'utf8');
    assert.ok(!entry.includes('/containers/create'), 'the CLI entry parses the Docker client at every start');
  });

  it('npm pack → npm i -g gives a working `slipway` command', () => {
    const packDir = join(tmp, 'pack');
    const prefix = join(tmp, 'prefix');
    mkdirSync(packDir);
    execFileSync('npm', ['pack', '--pack-destination', packDir, '--silent'], { cwd: ROOT, stdio: 'pipe' });
    const tgz = readdirSync(packDir).find((f) => f.endsWith('.tgz'));
    assert.ok(tgz, 'npm pack wrote no tarball');
    const listed = execFileSync('tar', ['-tzf', join(packDir, tgz)], { encoding: 'utf8' }).split('\n').filter(Boolean);
    assert.ok(listed.includes('package/dist/cli.js'), listed.join(', '));
    // ssh2 and gRPC, which the CLI's bundles require on first use.
    for (const vendor of ['ssh2', 'grpc-grpc-js', 'grpc-proto-loader', 'protobufjs']) {
      assert.ok(listed.includes(`package/dist/vendor/${vendor}.js`), `dist/vendor/${vendor}.js is missing: ${listed.join(', ')}`);
    }
    assert.deepEqual(listed.filter((f) => /\.map$|\/src\/|\/test\/|extension\.js$/.test(f)), [], 'the npm package holds more than the CLI');
    execFileSync('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', join(packDir, tgz)], { stdio: 'pipe' });
    const bin = join(prefix, 'bin', 'slipway');
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    assert.equal(version.status, 0, version.stderr);
    assert.equal(version.stdout, `slipway ${pkg.version}\n`);
    // A command that loads its chunk (git-flow), in a fresh repository.
    const repo = join(tmp, 'repo');
    mkdirSync(repo);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
    git('init', '-q', '-b', 'master');
    git('-c', 'user.name=t', '-c', 'user.email=t@t.invalid', 'commit', '-q', '--allow-empty', '-m', 'init');
    const init = spawnSync(bin, ['flow', 'init', '-d'], { cwd: repo, encoding: 'utf8' });
    assert.equal(init.status, 0, init.stderr);
    assert.equal(execFileSync('git', ['config', 'gitflow.branch.develop'], { cwd: repo, encoding: 'utf8' }).trim(), 'develop');
    // An ssh:// engine loads ssh2 from dist/vendor: the build gets as far as the connection (refused), no missing module.
    writeFileSync(join(repo, 'slipway.yml'), 'version: 1\nbuild:\n  image: slipway-rig/node:20\n  steps:\n    - { name: hello, run: echo hello }\n');
    const overSsh = spawnSync(bin, ['build'], { cwd: repo, encoding: 'utf8', env: { ...process.env, DOCKER_HOST: 'ssh://nobody@127.0.0.1:1' }, timeout: 30_000 });
    assert.equal(overSsh.status, 1, overSsh.stderr);
    assert.match(overSsh.stderr, /Docker engine at ssh:\/\/nobody@127\.0\.0\.1:1 is not reachable/);
    assert.doesNotMatch(overSsh.stderr, /Cannot find module/);
  });
});
