/**
 * Per-file normalisation of the compose short syntaxes into one form each, so merging and conversion see one shape:
 * `"8080:3000/udp"` → `{target, published, protocol, mode}`, `KEY=value` lists → maps, `"data:/var/lib"` →
 * `{type, source, target}`, `command: "a b"` → `["a", "b"]`, `test: "cmd"` → `["CMD-SHELL", "cmd"]`, …
 */
import type { Position } from './model';
import { stackError } from './stackError';

type At = (path: string) => Position;
type Raw = Record<string, unknown>;

function isRecord(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(at: At, path: string, what: string): never {
  throw stackError(at(path), `${path} ${what}`, { path });
}

/** Splits a command line like a POSIX shell does for words and quotes (no expansion), as compose does. */
export function shellSplit(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}

/** `["A=1", "B"]` or `{A: 1, B: null}` → `{A: "1", B: null}` (a bare name takes its value from nowhere: unset). */
function toMap(value: unknown, nullable: boolean): Record<string, string | null> {
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value.map((entry) => {
        const s = String(entry);
        const eq = s.indexOf('=');
        return eq < 0 ? [s, nullable ? null : ''] : [s.slice(0, eq), s.slice(eq + 1)];
      }),
    );
  }
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === null || v === undefined ? (nullable ? null : '') : String(v)]));
  return {};
}

function joinPath(dir: string, p: string): string {
  if (p.startsWith('/')) return p;
  const parts = `${dir.replace(/\/+$/, '')}/${p}`.split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '.' || part === '') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

function range(text: string): number[] {
  const [a, b] = text.split('-');
  const from = Number(a);
  const to = b === undefined ? from : Number(b);
  if (!Number.isInteger(from) || !Number.isInteger(to) || to < from) return [];
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function ports(value: unknown[], path: string, at: At): Raw[] {
  return value.flatMap((p, i): Raw[] => {
    const where = `${path}.${i}`;
    if (isRecord(p)) return [{ protocol: 'tcp', mode: 'ingress', ...p }];
    const spec = String(p);
    const [body, protocol = 'tcp'] = spec.split('/');
    const parts = body!.split(':');
    if (parts.length > 2) fail(at, where, `"${spec}" names a host IP, which Swarm cannot bind (publish the port with mode: host, or drop the IP)`);
    const targets = range(parts[parts.length - 1]!);
    const published = parts.length === 2 ? range(parts[0]!) : [];
    if (targets.length === 0 || (parts.length === 2 && published.length !== targets.length)) fail(at, where, `"${spec}" is not a port mapping (expected [PUBLISHED:]TARGET[/PROTOCOL])`);
    if (!['tcp', 'udp', 'sctp'].includes(protocol)) fail(at, where, `"${spec}" has an unknown protocol "${protocol}"`);
    return targets.map((target, j) => ({ target, ...(published.length > 0 ? { published: published[j] } : {}), protocol, mode: 'ingress' }));
  });
}

function volumes(value: unknown[], path: string, dir: string, at: At): Raw[] {
  return value.map((v, i): Raw => {
    const where = `${path}.${i}`;
    if (isRecord(v)) {
      const source = typeof v.source === 'string' && v.type === 'bind' ? joinPath(dir, v.source) : v.source;
      return { ...v, ...(source !== undefined ? { source } : {}) };
    }
    const parts = String(v).split(':');
    if (parts.length === 1) return { type: 'volume', target: parts[0] };
    if (parts.length > 3) fail(at, where, `"${String(v)}" is not a volume (expected SOURCE:TARGET[:MODE])`);
    const [source, target, mode = ''] = parts as [string, string, string?];
    const flags = mode.split(',').filter((f) => f.length > 0);
    const unknown = flags.find((f) => !['ro', 'rw', 'nocopy'].includes(f));
    if (unknown) fail(at, where, `has the mount mode "${unknown}", which Slipway does not support (use ro, rw or nocopy)`);
    const bind = source.startsWith('/') || source.startsWith('.') || source.startsWith('~');
    if (source.startsWith('~')) fail(at, where, `"${String(v)}" starts with ~; write the absolute path (the engine does not expand ~)`);
    return {
      type: bind ? 'bind' : 'volume',
      source: bind ? joinPath(dir, source) : source,
      target,
      ...(flags.includes('ro') ? { read_only: true } : {}),
      ...(flags.includes('nocopy') ? { volume: { nocopy: true } } : {}),
    };
  });
}

function command(value: unknown, path: string, at: At): string[] {
  if (Array.isArray(value)) return value.map(String);
  try {
    return shellSplit(String(value));
  } catch (e) {
    return fail(at, path, `cannot be split into words: ${(e as Error).message}`);
  }
}

function service(name: string, raw: Raw, dir: string, at: At): Raw {
  const path = `services.${name}`;
  const s: Raw = { ...raw };
  if (s.command !== undefined) s.command = command(s.command, `${path}.command`, at);
  if (s.entrypoint !== undefined) s.entrypoint = command(s.entrypoint, `${path}.entrypoint`, at);
  if (s.environment !== undefined) s.environment = toMap(s.environment, true);
  if (s.labels !== undefined) s.labels = toMap(s.labels, false);
  if (s.sysctls !== undefined) s.sysctls = toMap(s.sysctls, false);
  if (s.extra_hosts !== undefined) s.extra_hosts = Array.isArray(s.extra_hosts) ? s.extra_hosts.map(String) : Object.entries(toMap(s.extra_hosts, false)).map(([h, ip]) => `${h}:${ip}`);
  if (typeof s.dns === 'string') s.dns = [s.dns];
  if (typeof s.dns_search === 'string') s.dns_search = [s.dns_search];
  if (Array.isArray(s.ports)) s.ports = ports(s.ports, `${path}.ports`, at);
  if (Array.isArray(s.networks)) s.networks = Object.fromEntries(s.networks.map((n) => [String(n), null]));
  if (Array.isArray(s.volumes)) s.volumes = volumes(s.volumes, `${path}.volumes`, dir, at);
  for (const key of ['secrets', 'configs'] as const) {
    if (Array.isArray(s[key])) s[key] = (s[key] as unknown[]).map((r) => (isRecord(r) ? r : { source: String(r) }));
  }
  if (isRecord(s.ulimits)) s.ulimits = Object.fromEntries(Object.entries(s.ulimits).map(([k, v]) => [k, isRecord(v) ? v : { soft: v, hard: v }]));
  if (isRecord(s.healthcheck) && s.healthcheck.test !== undefined) {
    const test = s.healthcheck.test;
    s.healthcheck = { ...s.healthcheck, test: typeof test === 'string' ? ['CMD-SHELL', test] : test };
  }
  if (isRecord(s.deploy) && s.deploy.labels !== undefined) s.deploy = { ...s.deploy, labels: toMap(s.deploy.labels, false) };
  if (isRecord(s.logging) && isRecord(s.logging.options)) s.logging = { ...s.logging, options: toMap(s.logging.options, false) };
  return s;
}

function topLevel(section: unknown, dir: string): Raw {
  if (!isRecord(section)) return {};
  return Object.fromEntries(
    Object.entries(section).map(([k, v]) => {
      const o: Raw = isRecord(v) ? { ...v } : {};
      if (o.labels !== undefined) o.labels = toMap(o.labels, false);
      if (typeof o.file === 'string') o.file = joinPath(dir, o.file);
      if (isRecord(o.driver_opts)) o.driver_opts = toMap(o.driver_opts, false);
      return [k, o];
    }),
  );
}

export function expandShortSyntax(data: Raw, dir: string, at: At): Raw {
  const services = isRecord(data.services) ? data.services : {};
  return {
    services: Object.fromEntries(Object.entries(services).map(([name, s]) => [name, service(name, isRecord(s) ? s : {}, dir, at)])),
    networks: topLevel(data.networks, dir),
    volumes: topLevel(data.volumes, dir),
    secrets: topLevel(data.secrets, dir),
    configs: topLevel(data.configs, dir),
  };
}
