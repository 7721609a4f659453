// Bundles the extension (vscode external) and the CLI. `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

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
// What only ssh:// endpoints (ssh2) and BuildKit sessions (gRPC, protobuf) need — 650 KB of the extension — lives in
// dist/vendor/*.js, required on first use (lazy-docker-deps above makes those requires lazy), so activating the
// extension does not load it (bench/activation.mjs).
const VENDOR = { ssh2: 'ssh2', 'grpc-grpc-js': '@grpc/grpc-js', 'grpc-proto-loader': '@grpc/proto-loader', protobufjs: 'protobufjs' };
// The CLI's chunks (dist/cli/chunks/) require them the same way: a `slipway build` then parses 560 KB less at start.
const vendorSplit = (fromDist) => ({
  name: 'vendor-split',
  setup(build) {
    const byModule = new Map(Object.entries(VENDOR).map(([file, mod]) => [mod, file]));
    build.onResolve({ filter: /^(ssh2|@grpc\/grpc-js|@grpc\/proto-loader|protobufjs)$/ }, (a) => ({ path: `${fromDist}vendor/${byModule.get(a.path)}.js`, external: true }));
  },
});
const common = {
  plugins: [lazyDockerDeps],
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
// The CLI's code as ES modules, split into shared chunks: the entry parses no command, each command is loaded on
// first use (a dynamic import in src/cli/commandTable.ts), and the Docker code the commands share (dockerode and
// Slipway's adapters) is one chunk instead of a copy in each command. CommonJS libraries inside ES modules need
// `require`, `__filename` and `__dirname`: the banner gives each output file its own.
const esmBanner = [
  "import { createRequire as __slipwayRequire } from 'node:module';",
  "import { fileURLToPath as __slipwayPath } from 'node:url';",
  "import { dirname as __slipwayDir } from 'node:path';",
  'const require = __slipwayRequire(import.meta.url);',
  'const __filename = __slipwayPath(import.meta.url);',
  'const __dirname = __slipwayDir(__filename);',
].join('\n');
// `slipway flow` runs from its own small CommonJS bundle, dist/cli/flow.cjs: main, the flow command and the git
// adapter, nothing else (every other command and adapter group stays outside: flow never loads them). Measured here,
// a flow command starts in 28 ms of CPU from it against 37 ms through the ES module chunks (the ESM loader's
// resolve/link/evaluate of each chunk), and a feature start + finish is two of them.
// `slipway build` likewise runs from dist/cli/build.cjs (main, the build command, the adapters' wiring): its start
// loaded ~16 ES module chunks, 40-50 ms here; one CommonJS file loads the same code with no per-chunk resolve/link.
const oneCommand = (command, adapters) => ({
  name: `${command}-only`,
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const from = args.importer.replace(/\\/g, '/');
      if (from.endsWith('/src/cli/commandTable.ts') && args.path !== `./commands/${command}`) return { path: args.path, external: true };
      if (from.endsWith('/src/cli/composition.ts') && !adapters(args.path)) return { path: args.path, external: true };
      return undefined;
    });
  },
});
const flowOnly = oneCommand('flow', (path) => path.startsWith('../adapters/git/'));
const buildOnly = oneCommand('build', (path) => path === '../adapters/wiring');
const builds = [
  // Minified (names kept, libraries may rely on them): loading less code is measurable in the editor's activation
  // (bench/activation.mjs) and at each CLI start (bench/flow.mjs).
  { ...common, plugins: [lazyDockerDeps, vendorSplit('./')], minify: true, keepNames: true, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: [...common.external, 'vscode'] },
  { ...common, minify: true, keepNames: true, entryPoints: VENDOR, outdir: 'dist/vendor' },
  {
    ...common,
    minify: true,
    keepNames: true,
    plugins: [lazyDockerDeps, vendorSplit('../../')],
    format: 'esm',
    splitting: true,
    entryPoints: { bin: 'src/cli/bin.ts' },
    outdir: 'dist/cli',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    banner: { js: esmBanner },
  },
  { ...common, plugins: [flowOnly], minify: true, keepNames: true, entryPoints: ['src/cli/bin.ts'], outfile: 'dist/cli/flow.cjs' },
  { ...common, plugins: [lazyDockerDeps, vendorSplit('../'), buildOnly], minify: true, keepNames: true, entryPoints: ['src/cli/bin.ts'], outfile: 'dist/cli/build.cjs' },
];
// Old outputs (hashed chunk names, the former per-command bundles) must not pile up in dist/ or the package.
if (!watch) rmSync('dist', { recursive: true, force: true });
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
// `slipway` (package.json "bin"): a CommonJS file, so `node dist/cli.js` and the npm bin link work without a
// package-wide "type": "module" (the extension bundle is CommonJS).
// It is also a shell script (line 2 is a no-op string in JS): run as `slipway`, sh starts node. It moves
// NODE_EXTRA_CA_CERTS aside when this Node makes no TLS connection, because Node 20 parses that bundle at every
// start-up (30-40 ms of CPU here: a third of a `flow` command, a quarter of a one-step `slipway build`'s overhead):
// for `flow` (git only), and for `build`, `package` and `test` when the engine is a local socket (DOCKER_HOST unset
// or unix://; they push nothing, registries are reached by the engine). src/cli/bin.ts puts the variable back for
// every process Slipway starts (git, hooks, docker-compose). Every other command keeps it: they talk to registries
// and remote engines over TLS.
// In Node, the same scan of the arguments picks the bundle: flow.cjs for `flow`, build.cjs for `build`, the ES module
// chunks for the rest.
const launcher = [
  '#!/bin/sh',
  '":" //; s=; c=; for a in "$@"; do if [ -n "$s" ]; then s=; continue; fi; case "$a" in -C) s=1;; -*) ;; *) c=$a; break;; esac; done; ' +
    'case "$c:$DOCKER_HOST" in flow:*|build:|build:unix://*|package:|package:unix://*|test:|test:unix://*) l=1;; *) l=;; esac; ' +
    'if [ -n "$l" ] && [ -n "$NODE_EXTRA_CA_CERTS" ]; then SLIPWAY_NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS; export SLIPWAY_NODE_EXTRA_CA_CERTS; unset NODE_EXTRA_CA_CERTS; fi; ' +
    'exec node "$0" "$@"',
  "var a = process.argv.slice(2), i = 0; while (i < a.length && a[i].charAt(0) === '-') i += a[i] === '-C' ? 2 : 1;",
  "if (a[i] === 'flow') require('./cli/flow.cjs'); else if (a[i] === 'build') require('./cli/build.cjs'); else import('./cli/bin.mjs');",
  '',
].join('\n');
writeFileSync('dist/cli.js', launcher, { mode: 0o755 });
