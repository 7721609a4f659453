// Bundles the extension (vscode external) and the CLI. `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { readFileSync, readdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
// dockerode loads ssh2 (ssh:// endpoints) and gRPC (BuildKit sessions) at start-up although most commands never use
// them; requiring them on first use saves ~60 ms of every `slipway build` (bench/build.mjs).
const lazyDockerDeps = {
  name: 'lazy-docker-deps',
  setup(build) {
    const rewrite = [
      [/docker-modem[\\/]lib[\\/]ssh\.js$/, "var Client = require('ssh2').Client,", "var Client = function () { var C = require('ssh2').Client; return new C(); },"],
      [/dockerode[\\/]lib[\\/]docker\.js$/, "withSession = require('./session'),", "withSession = function () { return require('./session').apply(this, arguments); },"],
    ];
    build.onLoad({ filter: /(docker-modem[\\/]lib[\\/]ssh|dockerode[\\/]lib[\\/]docker)\.js$/ }, async (args) => {
      let contents = readFileSync(args.path, 'utf8');
      for (const [file, from, to] of rewrite) {
        if (!file.test(args.path)) continue;
        if (!contents.includes(from)) throw new Error(`lazy-docker-deps: ${args.path} changed; update esbuild.mjs`);
        contents = contents.replace(from, to);
      }
      return { contents, loader: 'js' };
    });
  },
};
// The CLI's one composition file (src/cli/composition.ts) imports every adapter; each command bundle keeps only what
// it uses. esbuild drops unused ES modules on its own, but keeps a CommonJS library's require() unless the package is
// known to be free of import-time side effects: these are, so `slipway flow` does not carry dockerode or Ajv.
const PURE_PACKAGES = /^(dockerode|docker-modem|ajv|ajv-formats|yaml|simple-git)(\/|$)/;
const purePackages = {
  name: 'pure-packages',
  setup(build) {
    build.onResolve({ filter: PURE_PACKAGES }, async (args) => {
      if (args.pluginData?.purePackages) return undefined;
      const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { purePackages: true } });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { ...resolved, sideEffects: false };
    });
  },
};
const common = {
  plugins: [lazyDockerDeps, purePackages],
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
  // Minified (names kept, libraries may rely on them): the CLI starts once per command, and parsing less code is
  // measurable there (git flow benchmark).
  { ...common, minify: true, keepNames: true, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, external: [...common.external, './commands/*'] },
  {
    ...common,
    minify: true,
    keepNames: true,
    entryPoints: readdirSync('src/cli/commands').filter((f) => f.endsWith('.ts')).map((f) => `src/cli/commands/${f}`),
    outdir: 'dist/commands',
  },
];
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
