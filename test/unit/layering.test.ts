import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const SRC = join(ROOT, 'src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** Every module specifier a file imports or requires. */
export function importsOf(source: string): string[] {
  const specs: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;
  for (const m of source.matchAll(re)) specs.push((m[1] ?? m[2] ?? m[3] ?? m[4])!);
  return specs;
}

/** The CLI's composition root: the one file of src/cli that may build adapters. */
const CLI_COMPOSITION = 'src/cli/composition.ts';

const CORE_FORBIDDEN = ['vscode', 'dockerode', 'simple-git', 'node:child_process', 'child_process', 'node:fs', 'fs', 'node:net', 'net', 'node:http', 'http'];

describe('layering', () => {
  const files = tsFiles(SRC).map((p) => ({ path: relative(ROOT, p).split(sep).join('/'), source: readFileSync(p, 'utf8') }));

  it('finds the source tree', () => {
    assert.ok(files.length > 5, `expected source files under ${SRC}`);
  });

  it('src/core imports no vscode, dockerode, simple-git, child_process or other I/O modules', () => {
    const offenders = files
      .filter((f) => f.path.startsWith('src/core/'))
      .flatMap((f) => importsOf(f.source).filter((s) => CORE_FORBIDDEN.includes(s)).map((s) => `${f.path} imports ${s}`));
    assert.deepEqual(offenders, []);
  });

  it('only src/vscode and src/extension.ts import vscode', () => {
    const offenders = files
      .filter((f) => !f.path.startsWith('src/vscode/') && f.path !== 'src/extension.ts')
      .filter((f) => importsOf(f.source).includes('vscode'))
      .map((f) => f.path);
    assert.deepEqual(offenders, []);
  });

  it('src/core does not reach into adapters, vscode or cli', () => {
    const offenders = files
      .filter((f) => f.path.startsWith('src/core/'))
      .flatMap((f) => importsOf(f.source).filter((s) => /\/(adapters|vscode|cli)(\/|$)/.test(s)).map((s) => `${f.path} imports ${s}`));
    assert.deepEqual(offenders, []);
  });

  it('src/adapters does not import the editor or the CLI', () => {
    const offenders = files
      .filter((f) => f.path.startsWith('src/adapters/'))
      .flatMap((f) => importsOf(f.source).filter((s) => /\/(vscode|cli)(\/|$)/.test(s)).map((s) => `${f.path} imports ${s}`));
    assert.deepEqual(offenders, []);
  });

  it('src/vscode does not import src/adapters (the editor gets its services from src/extension.ts)', () => {
    const offenders = files
      .filter((f) => f.path.startsWith('src/vscode/'))
      .flatMap((f) => importsOf(f.source).filter((s) => /(^|\/)adapters(\/|$)/.test(s)).map((s) => `${f.path} imports ${s}`));
    assert.deepEqual(offenders, []);
  });

  it('src/cli imports src/adapters only in its composition file', () => {
    const offenders = files
      .filter((f) => f.path.startsWith('src/cli/') && f.path !== CLI_COMPOSITION)
      .flatMap((f) => importsOf(f.source).filter((s) => /(^|\/)adapters(\/|$)/.test(s)).map((s) => `${f.path} imports ${s}`));
    assert.deepEqual(offenders, []);
    assert.ok(files.some((f) => f.path === CLI_COMPOSITION), `${CLI_COMPOSITION} exists`);
  });

  it('src/app imports no vscode, CLI or adapters: it orchestrates core through ports', () => {
    const offenders = files
      .filter((f) => f.path.startsWith('src/app/'))
      .flatMap((f) => importsOf(f.source).filter((s) => s === 'vscode' || /(^|\/)(adapters|vscode|cli)(\/|$)/.test(s) || CORE_FORBIDDEN.includes(s)).map((s) => `${f.path} imports ${s}`));
    assert.deepEqual(offenders, []);
    assert.ok(files.some((f) => f.path.startsWith('src/app/')), 'src/app has use cases');
  });

  it('the import scanner sees every import form it guards against', () => {
    const sample = `import * as v from 'vscode';\nimport { a } from "./x";\nconst d = require('dockerode');\nimport('simple-git');\nexport { b } from '../y';\nimport 'node:child_process';`;
    assert.deepEqual(importsOf(sample), ['vscode', './x', 'dockerode', 'simple-git', '../y', 'node:child_process']);
  });
});
