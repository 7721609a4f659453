/**
 * Loads stack files as `docker stack deploy -c a.yml -c b.yml` reads them: YAML, variables substituted, format 3.x
 * keys checked (an unsupported key is an error at its `file:line:col`), short syntaxes expanded, then merged in
 * order with the docker CLI's rules (services merged key by key; ports, secrets, configs and volumes merged by
 * identity; command and entrypoint replaced; other lists appended; maps merged).
 */
import Ajv, { type ErrorObject } from 'ajv';
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { SlipwayError } from '../errors';
import { describe, mostSpecific, pointerToPath, positionOf } from '../config/parse';
import { interpolate, InterpolationError, type Variables } from './interpolate';
import type { ComposeStack, LoadedStack, Position } from './model';
import { STACK_SCHEMA, SWARM_IGNORES } from './schema';
import { expandShortSyntax } from './shortSyntax';
import { stackError } from './stackError';

export interface StackFileText {
  /** The path shown in messages (as the user wrote it in slipway.yml). */
  readonly path: string;
  /** The file's directory, absolute: relative bind mounts and secret/config files resolve against it. */
  readonly dir: string;
  readonly text: string;
}

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
let validator: Validator | undefined;
function validate(): Validator {
  validator ??= new Ajv({ allErrors: true, strict: false, coerceTypes: true }).compile(STACK_SCHEMA) as Validator;
  return validator;
}

/** Where each key (dot path) is written; later files override earlier ones, like their values do. */
function recordPositions(doc: Document, lc: LineCounter, file: string, into: Map<string, Position>): void {
  const walk = (node: unknown, path: string): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const p = path ? `${path}.${key}` : key;
        const range = (pair.key as Node).range;
        if (range) into.set(p, { file, ...lc.linePos(range[0]) });
        walk(pair.value, p);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const p = `${path}.${i}`;
        const range = (item as Node | null)?.range;
        if (range) into.set(p, { file, ...lc.linePos(range[0]) });
        walk(item, p);
      });
    }
  };
  walk(doc.contents, '');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function positionAt(positions: ReadonlyMap<string, Position>, path: string, fallbackFile: string): Position {
  for (let p = path; p.length > 0; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    const hit = positions.get(p);
    if (hit) return hit;
  }
  return { file: fallbackFile, line: 1, col: 1 };
}

/** Substitutes variables in every string value (not in keys), reporting a bad expression at its position. */
function substitute(value: unknown, path: string, vars: Variables, at: (path: string) => Position, unset: Set<string>): unknown {
  if (typeof value === 'string') {
    try {
      const r = interpolate(value, vars);
      r.unset.forEach((u) => unset.add(u));
      return r.value;
    } catch (e) {
      if (e instanceof InterpolationError) throw stackError(at(path), `${path} ${e.message}`, { path });
      throw e;
    }
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, `${path}.${i}`, vars, at, unset));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, path ? `${path}.${k}` : k, vars, at, unset)]));
  return value;
}

function schemaMessage(error: ErrorObject, path: (string | number)[]): string {
  const where = path.length > 0 ? `${path.join('.')} ` : '';
  if (error.keyword === 'additionalProperties') {
    const key = String((error.params as { additionalProperty: string }).additionalProperty);
    if (path[0] === 'services' && path.length === 2 && SWARM_IGNORES.includes(key)) {
      return `${where}has the key "${key}", which Swarm does not use (docker stack deploy skips it with a warning); remove it from the stack file`;
    }
    return `${where}has an unsupported key "${key}"`;
  }
  return `${where}${describe(error)}`;
}

function loadOne(file: StackFileText, vars: Variables, positions: Map<string, Position>, unset: Set<string>): Record<string, unknown> {
  const lc = new LineCounter();
  const doc = parseDocument(file.text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) throw stackError({ file: file.path, ...lc.linePos(syntax.pos[0]) }, `is not valid YAML: ${syntax.message.split('\n')[0]}`);
  const own = new Map<string, Position>();
  recordPositions(doc, lc, file.path, own);
  const at = (path: string): Position => positionAt(own, path, file.path);
  const js: unknown = doc.toJS();
  if (!isRecord(js)) throw stackError({ file: file.path, line: 1, col: 1 }, 'is not a compose file (expected a mapping with services:)');
  const data = substitute(js, '', vars, at, unset) as Record<string, unknown>;
  const check = validate();
  if (!check(data)) {
    const error = mostSpecific(check.errors ?? []);
    const path = pointerToPath(error.instancePath);
    const pos = positionOf(doc, lc, error, path);
    throw stackError({ file: file.path, line: pos.line, col: pos.col }, schemaMessage(error, path), { path: path.join('.') });
  }
  const expanded = expandShortSyntax(data, file.dir, at);
  for (const [k, v] of own) positions.set(k, v);
  return expanded;
}

// ---- merging (the docker CLI's rules) ----

const BY_IDENTITY: Readonly<Record<string, (item: Record<string, unknown>) => string>> = {
  ports: (p) => JSON.stringify([p.target, p.published, p.protocol, p.mode]),
  secrets: (s) => String(s.source),
  configs: (s) => String(s.source),
  volumes: (v) => String(v.target),
};
const REPLACED = new Set(['command', 'entrypoint', 'test']);

function mergeValue(key: string, base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (base === undefined || base === null) return over;
  const identity = BY_IDENTITY[key];
  if (identity && Array.isArray(base) && Array.isArray(over)) {
    const byKey = new Map<string, unknown>();
    for (const item of [...base, ...over] as Record<string, unknown>[]) byKey.set(identity(item), item);
    return [...byKey.values()];
  }
  if (REPLACED.has(key)) return over;
  if (Array.isArray(base) && Array.isArray(over)) return [...base, ...over];
  if (isRecord(base) && isRecord(over)) return mergeMaps(base, over);
  return over;
}

function mergeMaps(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = mergeValue(k, base[k], v);
  return out;
}

function mergeFiles(files: readonly Record<string, unknown>[]): ComposeStack {
  const section = (name: string, replaceEntries: boolean): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const f of files) {
      const s = f[name];
      if (!isRecord(s)) continue;
      for (const [k, v] of Object.entries(s)) out[k] = replaceEntries || !isRecord(out[k]) || !isRecord(v) ? (v ?? {}) : mergeMaps(out[k] as Record<string, unknown>, v);
    }
    return out;
  };
  return {
    services: section('services', false),
    // Top-level networks, volumes, secrets and configs: a later file's definition replaces the earlier one.
    networks: section('networks', true),
    volumes: section('volumes', true),
    secrets: section('secrets', true),
    configs: section('configs', true),
  } as unknown as ComposeStack;
}

/** Loads and merges stack files in order. `vars` are the variables the files may use (environment + SLIPWAY_IMAGE). */
export function loadStack(files: readonly StackFileText[], vars: Variables): LoadedStack {
  if (files.length === 0) throw new SlipwayError('config', 'No stack file given', { hint: 'List the stack files under deploy.files in slipway.yml' });
  const positions = new Map<string, Position>();
  const unset = new Set<string>();
  const loaded = files.map((f) => loadOne(f, vars, positions, unset));
  const compose = mergeFiles(loaded);
  if (Object.keys(compose.services).length === 0) {
    throw stackError({ file: files[0]!.path, line: 1, col: 1 }, 'defines no services', { path: 'services' });
  }
  for (const [name, s] of Object.entries(compose.services)) {
    if (!s.image) throw stackError(positionAt(positions, `services.${name}`, files[0]!.path), `services.${name} has no image (Swarm services need one; build: is not used by stacks)`, { path: `services.${name}` });
  }
  const warnings = [...unset].map((v) => `The variable ${v} is not set; it stands for an empty string in ${files.map((f) => f.path).join(', ')}`);
  return { compose, positions, warnings, files: files.map((f) => f.path) };
}
