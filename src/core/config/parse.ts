import type { ErrorObject } from 'ajv';
import { LineCounter, isMap, isPair, isScalar, parseDocument, type Document, type Node } from 'yaml';
import { SlipwayError } from '../errors';
import validateSchema from './schemaValidator';
import {
  type BuildEngineConfig,
  CONFIG_DEFAULTS,
  type BuildStep,
  type ClusterConfig,
  type ClusterRole,
  type PipelineStageId,
  PIPELINE_STAGES,
  type SlipwayConfig,
  type TestEnvironmentConfig,
} from './model';

export interface ParseOptions {
  /** Shown in messages ("slipway.yml:3:5: …"). */
  readonly file?: string;
  /** Directory relative paths (TLS files) are resolved against; POSIX or Windows absolute path. */
  readonly baseDir?: string;
}

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
/** The schema, precompiled by scripts/gen-config-validator.mjs (compiling it at each start cost ~40-85 ms). */
function validate(): Validator {
  return validateSchema as Validator;
}

/** Parses and validates slipway.yml text; errors carry `file:line:column`, the key path, and what is expected. */
export function parseSlipwayConfig(text: string, options: ParseOptions = {}): SlipwayConfig {
  const file = options.file ?? 'slipway.yml';
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const pos = lineCounter.linePos(syntax.pos[0]);
    throw configError(file, pos, '', `is not valid YAML: ${syntax.message.split('\n')[0]}`);
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) {
    throw configError(file, { line: 1, col: 1 }, '', 'is empty; expected at least `version: 1`');
  }
  const check = validate();
  if (!check(data)) {
    const error = mostSpecific(check.errors ?? []);
    const path = pointerToPath(error.instancePath);
    const pos = positionOf(doc, lineCounter, error, path);
    throw configError(file, pos, path.join('.'), describe(error));
  }
  const raw = data as RawConfig;
  const engineCluster = raw.build?.engine?.cluster;
  if (engineCluster !== undefined && !Object.hasOwn(raw.clusters ?? {}, engineCluster)) {
    const node = doc.getIn(['build', 'engine', 'cluster'], true) as Node | undefined;
    const known = Object.keys(raw.clusters ?? {});
    const pos = node?.range ? lineCounter.linePos(node.range[0]) : { line: 1, col: 1 };
    throw configError(file, pos, 'build.engine.cluster', `names no cluster of this file ("${engineCluster}")`, known.length > 0 ? `Known clusters: ${known.join(', ')}` : 'Add the cluster under clusters: (name: { host: …, role: … })');
  }
  return normalise(raw, options.baseDir);
}

function configError(file: string, pos: { line: number; col: number }, path: string, what: string, hint?: string): SlipwayError {
  const where = path ? `${path} ` : '';
  return new SlipwayError('config', `${file}:${pos.line}:${pos.col}: ${where}${what}`, {
    ...(hint ? { hint } : {}),
    remedies: [{ action: 'openConfig', file, line: pos.line }],
    details: { file, line: pos.line, column: pos.col, path },
  });
}

/**
 * The error deepest in the document explains best. When it is one branch of a oneOf/anyOf (say, a type error of the
 * first alternative), the summary of that choice says better what is expected.
 */
export function mostSpecific(errors: ErrorObject[]): ErrorObject {
  const depth = (e: ErrorObject): number => e.instancePath.split('/').length + (e.keyword === 'additionalProperties' || e.keyword === 'required' ? 0.5 : 0);
  const top = [...errors].sort((a, b) => depth(b) - depth(a))[0]!;
  const choice = errors.find((e) => (e.keyword === 'oneOf' || e.keyword === 'anyOf') && top.schemaPath.startsWith(`${e.schemaPath}/`));
  return choice ?? top;
}

export function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export function positionOf(doc: Document, lc: LineCounter, error: ErrorObject, path: (string | number)[]): { line: number; col: number } {
  const node = (path.length === 0 ? doc.contents : doc.getIn(path, true)) as Node | null | undefined;
  if (error.keyword === 'additionalProperties' && isMap(node)) {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === extra);
    const key = pair?.key as Node | undefined;
    if (key?.range) return lc.linePos(key.range[0]);
  }
  if (node && node.range) return lc.linePos(node.range[0]);
  return { line: 1, col: 1 };
}

export function describe(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `has an unknown key "${String(p.additionalProperty)}"`;
    case 'required':
      return `is missing the required key "${String(p.missingProperty)}"`;
    case 'enum':
      return `must be one of: ${(p.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'type':
      return `must be ${String(p.type).replace(',', ' or ')}`;
    case 'oneOf':
    case 'anyOf':
      return oneOfHint(error);
    case 'pattern':
      return `has an unexpected form (expected to match ${String(p.pattern)})`;
    case 'dependencies':
      return `needs "${String(p.missingProperty)}" when it has "${String(p.property)}"`;
    case 'minItems':
      return `needs at least ${String(p.limit)} item(s)`;
    case 'minLength':
      return 'must not be empty';
    case 'minimum':
    case 'maximum':
      return `must be ${error.keyword === 'minimum' ? '≥' : '≤'} ${String(p.limit)}`;
    default:
      return error.message ?? 'is invalid';
  }
}

function oneOfHint(error: ErrorObject): string {
  if (/steps\/\d+$/.test(error.instancePath)) return 'must be a shell command string, an argument list or {name, run}';
  if (/steps\/\d+\/run$/.test(error.instancePath)) return 'must be a command string or an argument list';
  if (/^\/clusters\/[^/]+$/.test(error.instancePath)) return 'needs exactly one of "host" or "context"';
  if (error.instancePath === '/deploy') return 'needs "files" (the stack files) or "service" (a plain existing service)';
  return error.message ?? 'does not match any allowed form';
}

// ---- normalisation: raw YAML shape → typed model with defaults ----

interface RawStep {
  name: string;
  run: string | string[];
}
interface RawConfig {
  version: 1;
  build?: { image: string; workdir?: string; env?: Record<string, unknown>; user?: string; steps: (string | RawStep)[]; engine?: BuildEngineConfig };
  package?: { image: string; dockerfile?: string; context?: string; buildArgs?: Record<string, unknown> };
  integration?: { compose: string; test: string; app?: string; parallel?: number; readyTimeoutSeconds?: number; testTimeoutSeconds?: number };
  clusters?: Record<string, { role: ClusterRole; host?: string; context?: string; registry?: string; stackFiles?: string[]; tls?: { ca?: string; cert?: string; key?: string } }>;
  deploy?: { service?: string; stack?: string; files?: string[]; app?: string; registry?: string; readiness?: TestEnvironmentConfig; production?: TestEnvironmentConfig; onPush?: { tag: string; clusters: string[] } };
  pipeline?: { mode?: 'delivery' | 'deployment'; stages?: PipelineStageId[] };
}

function stringMap(raw: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(raw ?? {}).map(([k, v]) => [k, String(v)]));
}

/**
 * A step is a shell string (`sh -c`), a bare argument list (the exec form of Dockerfiles and compose) or
 * `{name, run}`. Unnamed steps are named after the program they run (for `sh -c "make test"`: make).
 */
function toStep(raw: string | string[] | RawStep): BuildStep {
  if (typeof raw === 'string') return { name: firstWord(raw), command: ['sh', '-c', raw] };
  if (Array.isArray(raw)) return { name: programName(raw), command: [...raw] };
  return { name: raw.name, command: typeof raw.run === 'string' ? ['sh', '-c', raw.run] : [...raw.run] };
}

function firstWord(command: string): string {
  return command.trim().split(/\s+/)[0] || command;
}

function programName(argv: readonly string[]): string {
  const [program = '', flag, script] = argv;
  const base = program.split('/').pop() || program;
  const isShell = ['sh', 'bash', 'ash', 'dash', 'zsh'].includes(base);
  return isShell && flag === '-c' && script ? firstWord(script) : base;
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

function resolvePath(baseDir: string | undefined, p: string | undefined): string | undefined {
  if (p === undefined || baseDir === undefined || isAbsolute(p)) return p;
  const sep = baseDir.includes('\\') && !baseDir.includes('/') ? '\\' : '/';
  return `${baseDir.replace(/[\\/]+$/, '')}${sep}${p.replace(/^\.[\\/]/, '')}`;
}

function normalise(raw: RawConfig, baseDir: string | undefined): SlipwayConfig {
  const clusters: ClusterConfig[] = Object.entries(raw.clusters ?? {}).map(([name, c]) => ({
    name,
    role: c.role,
    ...(c.host !== undefined ? { host: c.host } : {}),
    ...(c.context !== undefined ? { context: c.context } : {}),
    ...(c.registry !== undefined ? { registry: c.registry } : {}),
    ...(c.stackFiles !== undefined ? { stackFiles: [...c.stackFiles] } : {}),
    ...(c.tls
      ? { tls: { ca: resolvePath(baseDir, c.tls.ca), cert: resolvePath(baseDir, c.tls.cert), key: resolvePath(baseDir, c.tls.key) } }
      : {}),
    source: 'slipway.yml',
  }));
  const stages = raw.pipeline?.stages;
  return {
    version: 1,
    ...(raw.build && {
      build: {
        image: raw.build.image,
        workdir: raw.build.workdir ?? CONFIG_DEFAULTS.workdir,
        env: stringMap(raw.build.env),
        steps: raw.build.steps.map(toStep),
        user: raw.build.user ?? CONFIG_DEFAULTS.user,
        ...(raw.build.engine ? { engine: { ...raw.build.engine } } : {}),
      },
    }),
    ...(raw.package && {
      package: {
        image: raw.package.image,
        dockerfile: raw.package.dockerfile ?? CONFIG_DEFAULTS.dockerfile,
        context: raw.package.context ?? CONFIG_DEFAULTS.context,
        buildArgs: stringMap(raw.package.buildArgs),
      },
    }),
    ...(raw.integration && {
      integration: {
        compose: raw.integration.compose,
        test: raw.integration.test,
        ...(raw.integration.app !== undefined ? { app: raw.integration.app } : {}),
        parallel: raw.integration.parallel ?? CONFIG_DEFAULTS.parallel,
        readyTimeoutSeconds: raw.integration.readyTimeoutSeconds ?? CONFIG_DEFAULTS.readyTimeoutSeconds,
        testTimeoutSeconds: raw.integration.testTimeoutSeconds ?? CONFIG_DEFAULTS.testTimeoutSeconds,
      },
    }),
    clusters,
    ...(raw.deploy && { deploy: { ...raw.deploy } }),
    ...(raw.pipeline && {
      pipeline: {
        mode: raw.pipeline.mode ?? CONFIG_DEFAULTS.mode,
        // Keep pipeline order whatever order the file lists them in.
        ...(stages ? { stages: PIPELINE_STAGES.filter((s) => stages.includes(s)) } : {}),
      },
    }),
  };
}
