// `slipway -C DIR --json pipeline ARGS…` as the integration tests run it: the exit code, the output, and the run
// (the last line of stdout).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { PipelineRunView } from '../../src/core/pipeline';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

export interface PipelineCliRun {
  code: number;
  stdout: string;
  stderr: string;
  run: PipelineRunView & { stages: { id: string; state: string; message?: string }[] };
}

export function pipelineCli(dir: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<PipelineCliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '-C', dir, '--json', 'pipeline', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve({ code: code ?? 1, stdout, stderr, run: (JSON.parse(last) as { run: PipelineCliRun['run'] }).run });
      } catch {
        reject(new Error(`no run in the output (exit ${code}):\n${stdout}\n${stderr}`));
      }
    });
  });
}
