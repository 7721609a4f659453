import { FLOW_TYPES, type FlowType } from './types';

/** A repository's git-flow settings, stored in the same `gitflow.*` git config keys git-flow AVH writes. */
export interface GitFlowConfig {
  readonly master: string;
  readonly develop: string;
  readonly prefixes: Readonly<Record<FlowType, string>>;
  readonly versionTagPrefix: string;
  /** `gitflow.origin`, "origin" unless set. */
  readonly origin: string;
}

/** What `git flow init -d` writes. */
export const AVH_DEFAULTS: GitFlowConfig = {
  master: 'master',
  develop: 'develop',
  prefixes: { feature: 'feature/', bugfix: 'bugfix/', release: 'release/', hotfix: 'hotfix/', support: 'support/' },
  versionTagPrefix: '',
  origin: 'origin',
};

export const CONFIG_KEYS = {
  master: 'gitflow.branch.master',
  develop: 'gitflow.branch.develop',
  prefix: (type: FlowType | 'versiontag') => `gitflow.prefix.${type}`,
  origin: 'gitflow.origin',
  hooks: 'gitflow.path.hooks',
  /** AVH records each branch's base here at start and reads it at finish. */
  base: (branch: string) => `gitflow.branch.${branch}.base`,
  section: (branch: string) => `gitflow.branch.${branch}`,
} as const;

/** git config keys, lower-cased except the subsection (as `git config --get-regexp` prints them), to values. */
export type ConfigEntries = ReadonlyMap<string, string>;

/**
 * Initialised the way AVH decides it (`gitflow_is_initialized` + `require_gitflow_initialized`): both base branches
 * configured and different, some prefix configured, and the version-tag prefix key present (even if empty).
 */
export function isInitialized(entries: ConfigEntries): boolean {
  const master = entries.get(CONFIG_KEYS.master);
  const develop = entries.get(CONFIG_KEYS.develop);
  if (!master || !develop || master === develop) return false;
  return entries.has(CONFIG_KEYS.prefix('versiontag'));
}

/** The config in effect, or undefined when the repository is not initialised. Missing prefixes fall back to AVH's. */
export function readGitFlowConfig(entries: ConfigEntries): GitFlowConfig | undefined {
  if (!isInitialized(entries)) return undefined;
  const prefixes = Object.fromEntries(FLOW_TYPES.map((t) => [t, entries.get(CONFIG_KEYS.prefix(t)) ?? AVH_DEFAULTS.prefixes[t]])) as Record<
    FlowType,
    string
  >;
  return {
    master: entries.get(CONFIG_KEYS.master)!,
    develop: entries.get(CONFIG_KEYS.develop)!,
    prefixes,
    versionTagPrefix: entries.get(CONFIG_KEYS.prefix('versiontag')) ?? '',
    origin: entries.get(CONFIG_KEYS.origin) || 'origin',
  };
}

/** The base recorded for a branch at start (`gitflow.branch.<branch>.base`), if any. */
export function recordedBase(entries: ConfigEntries, branch: string): string | undefined {
  return entries.get(CONFIG_KEYS.base(branch)) || undefined;
}

/** Whether any key of the branch's config section exists (so removing it is worth a git call). */
export function hasBranchSection(entries: ConfigEntries, branch: string): boolean {
  const prefix = CONFIG_KEYS.section(branch) + '.';
  for (const key of entries.keys()) if (key.startsWith(prefix)) return true;
  return false;
}

/**
 * Parses `git config -z --get-regexp` output: records `key\nvalue\0` (a key without a value has no newline).
 * Keys come back lower-cased in section and name; subsections (branch names) keep their case.
 */
export function parseConfigEntries(output: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const record of output.split('\0')) {
    if (record.length === 0) continue;
    const nl = record.indexOf('\n');
    if (nl < 0) entries.set(record, '');
    else entries.set(record.slice(0, nl), record.slice(nl + 1));
  }
  return entries;
}

/** Which flow type a branch belongs to under this config, with its name after the prefix. */
export function classifyBranch(config: GitFlowConfig, branch: string): { type: FlowType; name: string } | undefined {
  // Longest prefix first, so an empty or nested prefix cannot shadow another.
  const ordered = [...FLOW_TYPES].sort((a, b) => config.prefixes[b].length - config.prefixes[a].length);
  for (const type of ordered) {
    const prefix = config.prefixes[type];
    if (prefix.length > 0 && branch.startsWith(prefix) && branch.length > prefix.length) {
      return { type, name: branch.slice(prefix.length) };
    }
  }
  return undefined;
}
