// Bundles the extension (vscode external) and the CLI. `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { readFileSync, readdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  define: { SLIPWAY_VERSION: JSON.stringify(pkg.version) },
  // Optional native add-ons of ssh2 (pulled in by docker-modem); ssh2 falls back to pure JS without them.
  external: ['cpu-features', './crypto/build/Release/sshcrypto.node'],
};
const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: [...common.external, 'vscode'] },
  // The CLI keeps start-up lean: each command is its own bundle, required only when it runs, so `slipway flow`
  // never parses Docker code.
  // Minified: the CLI starts once per command, and parsing less code is measurable there (git flow benchmark).
  { ...common, minify: true, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, external: [...common.external, './commands/*'] },
  {
    ...common,
    minify: true,
    entryPoints: readdirSync('src/cli/commands').filter((f) => f.endsWith('.ts')).map((f) => `src/cli/commands/${f}`),
    outdir: 'dist/commands',
  },
];
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
