import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { SlipwayError, exitCodeFor, toSlipwayError } from '../core/errors';
import { COMMANDS } from './commandTable';
import { hintLines } from './remedies';
import type { CliContext } from './context';
import { usageText } from './usage';
import { slipwayVersion } from './version';

interface GlobalOptions {
  cwd: string;
  json: boolean;
  rest: string[];
  help: boolean;
  version: boolean;
}

/** Global options may come before the command (`slipway -C dir --json flow …`) and `--json` anywhere. */
function parseGlobal(argv: string[], cwd: string): GlobalOptions {
  const opts: GlobalOptions = { cwd, json: false, rest: [], help: false, version: false };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-C') {
      const dir = argv[++i];
      if (dir === undefined) throw new SlipwayError('usage', 'Option -C needs a directory');
      opts.cwd = resolve(opts.cwd, dir);
      requireDirectory(opts.cwd, dir);
    } else if (a === '--json') opts.json = true;
    else if (a === '-h' || a === '--help') opts.help = true;
    else if (a === '-V' || a === '--version') opts.version = true;
    else if (a.startsWith('-')) throw new SlipwayError('usage', `Unknown option ${a}`);
    else break;
  }
  opts.rest = argv.slice(i).filter((a) => {
    if (a === '--json') {
      opts.json = true;
      return false;
    }
    return true;
  });
  return opts;
}

/** `-C DIR` must name an existing directory: otherwise git and docker fail later with misleading spawn errors. */
function requireDirectory(path: string, given: string): void {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new SlipwayError('usage', `-C ${given}: no such directory`, { hint: 'Pass an existing directory (the workspace or repository to act on)' });
  }
  if (!isDir) throw new SlipwayError('usage', `-C ${given}: not a directory`, { hint: 'Pass the directory that contains the file, not the file itself' });
}

/** What the CLI says when its process is about to exit with the command still pending: a failure naming the engine. */
export function pendingRunMessage(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const engine = env.DOCKER_HOST && env.DOCKER_HOST.length > 0 ? env.DOCKER_HOST : 'unix:///var/run/docker.sock';
  const command = argv.find((a, i) => !a.startsWith('-') && argv[i - 1] !== '-C') ?? 'the command';
  return `${command} stopped without a result: nothing was left to wait for (did the Docker engine at ${engine} go away?); the run failed`;
}

export async function main(argv: string[], io: Pick<CliContext, 'out' | 'err'>, env = process.env, signal = new AbortController().signal): Promise<number> {
  let json = argv.includes('--json');
  try {
    const g = parseGlobal(argv, process.cwd());
    json = g.json;
    if (g.version && g.rest.length === 0) {
      io.out(json ? JSON.stringify({ version: slipwayVersion() }) + '\n' : `slipway ${slipwayVersion()}\n`);
      return 0;
    }
    const [name, ...args] = g.rest;
    if (name === undefined || name === 'help') {
      if (g.help || name === 'help') {
        io.out(usageText());
        return 0;
      }
      io.err(usageText());
      return 2;
    }
    const entry = COMMANDS.find((c) => c.name === name);
    if (!entry) {
      io.err(`slipway: unknown command "${name}"\n\n${usageText()}`);
      return 2;
    }
    const ctx: CliContext = { cwd: g.cwd, json, out: io.out, err: io.err, signal, env };
    return await (await entry.load()).run(g.help ? ['--help', ...args] : args, ctx);
  } catch (e) {
    const err = toSlipwayError(e);
    const code = exitCodeFor(err);
    if (json) io.out(JSON.stringify({ error: { kind: err.kind, message: err.message, hint: err.hint, remedies: err.remedies, details: err.details } }) + '\n');
    io.err([`slipway: ${err.message}`, ...hintLines(err.hint, err.remedies)].join('\n') + '\n');
    if (code === 2) io.err(`Run \`slipway --help\` for usage.\n`);
    return code;
  }
}
