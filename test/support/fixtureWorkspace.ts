// The built CLI run on temp git copies of the go-auth fixture: what the build, package and integration-test suites
// share (test/integration/build.test.ts, remoteBuild.test.ts).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

export const ROOT = join(__dirname, '..', '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');
export const FIXTURE = join(ROOT, 'test', 'fixtures', 'go-auth');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `slipway -C cwd ARGS…` with the test's environment plus `env`. */
export function slipway(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const r = spawnSync(process.execPath, [CLI, '-C', cwd, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 170_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function git(dir: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.email=test@slipway', '-c', 'user.name=test', ...args], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** Rewrites a YAML file (slipway.yml, a compose file) through its parsed form. */
export function editYaml(file: string, change: (doc: Record<string, any>) => void): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  const doc = parse(readFileSync(file, 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  change(doc);
  writeFileSync(file, stringify(doc));
}

/** Temp folders of one suite, removed by `removeAll()` (in its `after`). */
export class TempDirs {
  private readonly dirs: string[] = [];

  make(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }

  /** A temp git repository holding a copy of the fixture; `edit` changes it before the commit. */
  workspace(prefix: string, edit?: (dir: string) => void): string {
    const dir = this.make(prefix);
    cpSync(FIXTURE, dir, { recursive: true });
    edit?.(dir);
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'fixture');
    return dir;
  }

  removeAll(): void {
    for (const d of this.dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  }
}
