#!/usr/bin/env node
// End-to-end pipeline time for the go-auth fixture on the Docker rig, and how it splits per stage.
// Each run gets a fresh deployable workspace (the service at 0.9 on both clusters; setup is not timed), then
// `slipway pipeline --mode deployment` runs all nine stages; the table shows the median per stage over the runs.
// Usage: npm run build && npm run compile-tests && node bench/pipeline.mjs [--runs N] [--json]
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { median } from './common.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { createPipelineWorkspace } = require(join(root, 'out/test/support/pipelineWorkspace.js'));
const CLI = join(root, 'dist/cli.js');

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] ?? 1) || 1;
const json = args.includes('--json');

function pipeline(dir) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, '-C', dir, '--json', 'pipeline', '--mode', 'deployment'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      const last = out.trim().split('\n').pop();
      if (code !== 0) return reject(new Error(`pipeline exited ${code}: ${err}`));
      resolve({ wallMs, run: JSON.parse(last).run });
    });
  });
}


const samples = [];
for (let i = 0; i < runs; i++) {
  const ws = await createPipelineWorkspace();
  try {
    await ws.configure({ mode: 'deployment' });
    samples.push(await pipeline(ws.dir));
    if (!json) process.stderr.write(`run ${i + 1}/${runs}: ${(samples.at(-1).wallMs / 1000).toFixed(1)} s\n`);
  } finally {
    await ws.dispose();
  }
}

const stageIds = samples[0].run.stages.map((s) => s.id);
const perStage = stageIds.map((id) => ({ id, ms: median(samples.map((s) => s.run.stages.find((x) => x.id === id).durationMs ?? 0)) }));
const wall = median(samples.map((s) => s.wallMs));
const total = median(samples.map((s) => s.run.durationMs));
const result = { runs, wallMs: Math.round(wall), runMs: Math.round(total), overheadMs: Math.round(wall - total), stages: perStage.map((s) => ({ ...s, ms: Math.round(s.ms), share: +(s.ms / total * 100).toFixed(1) })) };
if (json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(`\ngo-auth fixture, ${runs} run(s), deployment mode, median per stage`);
  console.log('stage                 time      share');
  for (const s of result.stages) console.log(`${s.id.padEnd(20)} ${(s.ms / 1000).toFixed(1).padStart(6)} s  ${String(s.share).padStart(5)} %`);
  console.log(`${'pipeline (run)'.padEnd(20)} ${(total / 1000).toFixed(1).padStart(6)} s`);
  console.log(`${'wall (CLI process)'.padEnd(20)} ${(wall / 1000).toFixed(1).padStart(6)} s  (start-up, config, history: ${Math.round(wall - total)} ms)`);
}
