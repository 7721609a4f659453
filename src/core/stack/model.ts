/**
 * A stack as the compose files describe it, after variables, per-file normalisation (short syntaxes expanded) and
 * merging in order — the shape `docker stack deploy` converts to Swarm objects (./convert.ts).
 */
export interface Position {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface PortConfig {
  readonly target: number;
  readonly published?: number;
  readonly protocol: string;
  readonly mode: string;
}

export interface VolumeMount {
  readonly type: 'volume' | 'bind' | 'tmpfs';
  readonly source?: string;
  readonly target: string;
  readonly read_only?: boolean;
  readonly volume?: { readonly nocopy?: boolean };
  readonly bind?: { readonly propagation?: string };
  readonly tmpfs?: { readonly size?: number };
}

export interface FileReference {
  readonly source: string;
  readonly target?: string;
  readonly uid?: string;
  readonly gid?: string;
  readonly mode?: number;
}

export interface UpdateConfig {
  readonly parallelism?: number;
  readonly delay?: string;
  readonly failure_action?: string;
  readonly monitor?: string;
  readonly max_failure_ratio?: number;
  readonly order?: string;
}

export interface ServiceNetwork {
  readonly aliases?: readonly string[];
  readonly driver_opts?: Readonly<Record<string, string>>;
}

export interface ServiceConfig {
  readonly image: string;
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly environment?: Readonly<Record<string, string | null>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly hostname?: string;
  readonly user?: string;
  readonly working_dir?: string;
  readonly stop_grace_period?: string;
  readonly stop_signal?: string;
  readonly tty?: boolean;
  readonly stdin_open?: boolean;
  readonly read_only?: boolean;
  readonly init?: boolean;
  readonly restart?: string;
  /** "host:ip" entries. */
  readonly extra_hosts?: readonly string[];
  readonly dns?: readonly string[];
  readonly dns_search?: readonly string[];
  readonly cap_add?: readonly string[];
  readonly cap_drop?: readonly string[];
  readonly sysctls?: Readonly<Record<string, string>>;
  readonly logging?: { readonly driver?: string; readonly options?: Readonly<Record<string, string>> };
  readonly healthcheck?: {
    readonly test?: readonly string[];
    readonly interval?: string;
    readonly timeout?: string;
    readonly retries?: number;
    readonly start_period?: string;
    readonly disable?: boolean;
  };
  readonly ports?: readonly PortConfig[];
  readonly networks?: Readonly<Record<string, ServiceNetwork | null>>;
  readonly volumes?: readonly VolumeMount[];
  readonly secrets?: readonly FileReference[];
  readonly configs?: readonly FileReference[];
  readonly ulimits?: Readonly<Record<string, { readonly soft: number; readonly hard: number }>>;
  readonly deploy?: {
    readonly mode?: 'replicated' | 'global';
    readonly replicas?: number;
    readonly endpoint_mode?: 'vip' | 'dnsrr';
    readonly labels?: Readonly<Record<string, string>>;
    readonly placement?: {
      readonly constraints?: readonly string[];
      readonly preferences?: readonly { readonly spread: string }[];
      readonly max_replicas_per_node?: number;
    };
    readonly update_config?: UpdateConfig;
    readonly rollback_config?: UpdateConfig;
    readonly resources?: {
      readonly limits?: { readonly cpus?: string | number; readonly memory?: string | number; readonly pids?: number };
      readonly reservations?: { readonly cpus?: string | number; readonly memory?: string | number };
    };
    readonly restart_policy?: { readonly condition?: string; readonly delay?: string; readonly max_attempts?: number; readonly window?: string };
  };
}

export interface External {
  readonly external?: boolean | { readonly name?: string };
  readonly name?: string;
}

export interface NetworkConfig extends External {
  readonly driver?: string;
  readonly driver_opts?: Readonly<Record<string, string>>;
  readonly attachable?: boolean;
  readonly internal?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
  readonly ipam?: { readonly driver?: string; readonly config?: readonly { readonly subnet?: string }[] };
}

export interface VolumeConfig extends External {
  readonly driver?: string;
  readonly driver_opts?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface FileObjectConfig extends External {
  /** Absolute path (resolved against the stack file's directory). */
  readonly file?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface ComposeStack {
  readonly services: Readonly<Record<string, ServiceConfig>>;
  readonly networks: Readonly<Record<string, NetworkConfig>>;
  readonly volumes: Readonly<Record<string, VolumeConfig>>;
  readonly secrets: Readonly<Record<string, FileObjectConfig>>;
  readonly configs: Readonly<Record<string, FileObjectConfig>>;
}

/** A loaded stack: the merged model, where each key came from (for errors found later), and warnings. */
export interface LoadedStack {
  readonly compose: ComposeStack;
  readonly positions: ReadonlyMap<string, Position>;
  /** e.g. variables used without a value (the docker CLI warns about these too). */
  readonly warnings: readonly string[];
  readonly files: readonly string[];
}

/** `external: true`, `external: {name}` (3.x) or an explicit `name:` all name an object the stack does not own. */
export function externalName(key: string, config: External): string | undefined {
  if (config.external === undefined || config.external === false) return undefined;
  if (typeof config.external === 'object' && config.external.name) return config.external.name;
  return config.name ?? key;
}
