// How integration tests find the Docker rig that scripts/rig/up.sh brings up: two three-node swarms (a manager and two
// workers each, every engine but prod-like's manager in its own network namespace), a registry reachable as
// localhost:5000 from every engine, and base images on every engine. Variables come from process.env first
// (scripts/test.sh exports them), else from /run/slipway-rig/env. A missing rig is an error, never a skip.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const RIG_ENV_FILE = '/run/slipway-rig/env';
export const RIG_MISSING = 'the Docker rig is not up: run scripts/rig/up.sh';

export interface RigNode {
  /** Hostname of the engine = its swarm node's hostname, e.g. prod-like-2 */
  readonly name: string;
  readonly cluster: 'prod-like' | 'production';
  readonly role: 'manager' | 'worker';
  /** Engine endpoint, e.g. unix:///run/slipway-rig/prod-like-2.sock */
  readonly host: string;
  /** Network namespace of the engine; undefined = the host's own */
  readonly netns: string | undefined;
  /** The node's address on its cluster's bridge (what it advertises to the swarm) */
  readonly address: string;
  /** Its port on the cluster's bridge inside the links namespace: setting it down cuts the node off */
  readonly link: string;
}

export interface RigCluster {
  /** Engine endpoint of the cluster's manager, e.g. unix:///var/run/docker.sock */
  readonly host: string;
  /** Value of the swarm node label `env` on the cluster's workers (the manager carries none) */
  readonly label: 'prod-like' | 'production';
  /** Network namespace the manager's engine lives in (its published ports are only reachable there), if any */
  readonly netns?: string;
  /** The cluster's three engines, manager first */
  readonly nodes: readonly RigNode[];
}

export interface Rig {
  readonly prodLike: RigCluster;
  readonly production: RigCluster & { readonly netns: string };
  /** host:port of the registry; the same storage answers there on both engines */
  readonly registry: string;
  /** Images present on every engine, e.g. slipway-rig/node:20 */
  readonly baseImages: readonly string[];
  /** Network namespace holding the clusters' bridges (where links are cut) */
  readonly linksNetns: string;
}

const VARS = [
  'SLIPWAY_RIG_PRODLIKE_HOST',
  'SLIPWAY_RIG_PRODUCTION_HOST',
  'SLIPWAY_RIG_PRODUCTION_NETNS',
  'SLIPWAY_RIG_REGISTRY',
  'SLIPWAY_RIG_BASE_IMAGES',
  'SLIPWAY_RIG_NODES',
  'SLIPWAY_RIG_LINKS_NETNS',
] as const;
type RigVar = (typeof VARS)[number];

/** Parses the env file's `KEY=value` / `KEY="value"` lines (the subset of shell syntax up.sh writes). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2]!;
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) {
      value = value.slice(1, -1);
    }
    out[m[1]!] = value;
  }
  return out;
}

function readRigVars(env: NodeJS.ProcessEnv, envFile: string): Record<RigVar, string> {
  let file: Record<string, string> | undefined;
  const fromFile = (): Record<string, string> => {
    if (file) return file;
    try {
      file = parseEnvFile(readFileSync(envFile, 'utf8'));
    } catch {
      file = {};
    }
    return file;
  };
  const vars = {} as Record<RigVar, string>;
  const missing: string[] = [];
  for (const name of VARS) {
    const value = env[name] || fromFile()[name];
    if (value) vars[name] = value;
    else missing.push(name);
  }
  if (missing.length > 0) {
    throw new Error(`${RIG_MISSING} (missing ${missing.join(', ')}; looked in the environment and ${envFile})`);
  }
  return vars;
}

/** Parses SLIPWAY_RIG_NODES: words `name,cluster,role,host,netns,address,link` (netns "-" = the host's). */
export function parseRigNodes(text: string): RigNode[] {
  return text.split(/\s+/).filter((w) => w.length > 0).map((word) => {
    const f = word.split(',');
    const [name, cluster, role, host, netns, address, link] = f;
    if (f.length !== 7 || (cluster !== 'prod-like' && cluster !== 'production') || (role !== 'manager' && role !== 'worker')) {
      throw new Error(`${RIG_MISSING} (SLIPWAY_RIG_NODES has a malformed entry "${word}"; re-run scripts/rig/up.sh)`);
    }
    return { name: name!, cluster, role, host: host!, netns: netns === '-' ? undefined : netns, address: address!, link: link! };
  });
}

/** The rig's endpoints; throws "the Docker rig is not up: run scripts/rig/up.sh" when its variables are missing. */
export function rig(env: NodeJS.ProcessEnv = process.env, envFile = RIG_ENV_FILE): Rig {
  const v = readRigVars(env, envFile);
  const nodes = parseRigNodes(v.SLIPWAY_RIG_NODES);
  const of = (cluster: RigNode['cluster']): RigNode[] =>
    nodes.filter((n) => n.cluster === cluster).sort((a, b) => (a.role === b.role ? a.name.localeCompare(b.name) : a.role === 'manager' ? -1 : 1));
  return {
    prodLike: { host: v.SLIPWAY_RIG_PRODLIKE_HOST, label: 'prod-like', nodes: of('prod-like') },
    production: { host: v.SLIPWAY_RIG_PRODUCTION_HOST, label: 'production', netns: v.SLIPWAY_RIG_PRODUCTION_NETNS, nodes: of('production') },
    registry: v.SLIPWAY_RIG_REGISTRY,
    baseImages: v.SLIPWAY_RIG_BASE_IMAGES.split(/\s+/).filter((s) => s.length > 0),
    linksNetns: v.SLIPWAY_RIG_LINKS_NETNS,
  };
}

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  readonly timeoutMs?: number;
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** Runs a program with an argument array and resolves with its exit code and output (never rejects on exit code). */
export function exec(file: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      [...args],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: opts.timeoutMs ?? 120_000, env: opts.env ?? process.env, cwd: opts.cwd },
      (err, stdout, stderr) => {
        if (err && typeof (err as NodeJS.ErrnoException).code === 'string') {
          reject(new Error(`cannot run ${file}: ${err.message}`));
          return;
        }
        if (err && err.killed) {
          reject(new Error(`${file} ${args.join(' ')} timed out after ${opts.timeoutMs ?? 120_000} ms\n${stderr}`));
          return;
        }
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Runs a program inside a network namespace (nsenter --net, as the rig does), e.g. to reach production's ports. */
export function execInNetns(netns: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  if (args.length === 0) throw new Error('execInNetns needs a program to run');
  return exec('nsenter', [`--net=/run/netns/${netns}`, ...args], opts);
}

/** Runs the docker CLI against one engine: docker -H HOST ARGS... */
export function dockerCli(host: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return exec('docker', ['-H', host, ...args], opts);
}

/** Like dockerCli, but rejects with the command's stderr when it exits non-zero; resolves with trimmed stdout. */
export async function dockerOk(host: string, args: readonly string[], opts: ExecOptions = {}): Promise<string> {
  const r = await dockerCli(host, args, opts);
  if (r.code !== 0) throw new Error(`docker -H ${host} ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** Shown in the timeout error, e.g. "service web to run 2 tasks" */
  readonly what?: string;
}

/**
 * Polls `fn` until it returns a value other than undefined/false (and does not throw); resolves with that value.
 * On timeout rejects with the last error or value seen, so a failing wait says why.
 */
export async function waitFor<T>(fn: () => T | Promise<T>, opts: WaitOptions = {}): Promise<Exclude<T, false | undefined>> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const intervalMs = opts.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let last: string = 'no attempt finished';
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== false) return value as Exclude<T, false | undefined>;
      last = `last result: ${String(value)}`;
    } catch (e) {
      last = `last error: ${(e as Error).message}`;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${opts.what ?? 'a condition'} (${last})`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A name unique to this test process and call, safe for Docker objects: slipway-test-<pid>-<random>-<suffix>. */
export function uniqueName(suffix: string): string {
  return `slipway-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}-${suffix}`.toLowerCase();
}
