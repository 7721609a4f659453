import type { ShipSettings } from '../build/shipping';

/** The typed, defaulted form of slipway.yml (see schemas/slipway.schema.json for the file format). */
export type ClusterRole = 'test' | 'prod-like' | 'production';

export interface ClusterConfig {
  readonly name: string;
  readonly role: ClusterRole;
  /** unix://, tcp://, ssh:// endpoint; absent when `context` names a Docker context. */
  readonly host?: string;
  readonly context?: string;
  /** Absolute paths (resolved against the workspace). */
  readonly tls?: { readonly ca?: string; readonly cert?: string; readonly key?: string };
  readonly registry?: string;
  /** This cluster's stack files, replacing `deploy.files` (workspace-relative). */
  readonly stackFiles?: readonly string[];
  readonly source: 'slipway.yml' | 'settings';
}

export interface BuildStep {
  readonly name: string;
  /** Exec form; a string step becomes ['sh', '-c', step]. */
  readonly command: readonly string[];
}

export interface BuildConfig {
  readonly image: string;
  readonly workdir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly steps: readonly BuildStep[];
  /** 'host' (default: the invoking user's uid:gid, so artifacts are theirs), 'root', or "uid[:gid]". */
  readonly user: string;
  /** Where build, package and integration tests run; absent: the default engine, with the workspace bind-mounted. */
  readonly engine?: BuildEngineConfig;
}

/**
 * Another engine for the build (a cluster's manager or a Docker context): it cannot see the workspace, so the
 * workspace is shipped to it as an archive and the results come back.
 */
export interface BuildEngineConfig extends ShipSettings {
  readonly cluster?: string;
  readonly context?: string;
}

export interface PackageConfig {
  readonly image: string;
  readonly dockerfile: string;
  readonly context: string;
  readonly buildArgs: Readonly<Record<string, string>>;
}

export interface IntegrationConfig {
  readonly compose: string;
  readonly test: string;
  readonly app?: string;
  readonly parallel: number;
  readonly readyTimeoutSeconds: number;
  readonly testTimeoutSeconds: number;
}

export interface TestEnvironmentConfig {
  readonly compose: string;
  readonly test: string;
}

export interface DeployConfig {
  /** A plain service that already exists on the clusters; absent when the deploy is a stack (`files`). */
  readonly service?: string;
  /** Stack name on every cluster (default: the last path part of package.image). */
  readonly stack?: string;
  /** Stack files (compose 3.x as `docker stack deploy` reads them), merged in order; workspace-relative. */
  readonly files?: readonly string[];
  /** The stack's service that runs the image Slipway builds (gets it as SLIPWAY_IMAGE). */
  readonly app?: string;
  readonly registry?: string;
  readonly readiness?: TestEnvironmentConfig;
  readonly production?: TestEnvironmentConfig;
  /** Push to deploy: the agent on each listed cluster deploys pushes of the app image's `tag` (needs `app`). */
  readonly onPush?: OnPushConfig;
}

export interface OnPushConfig {
  readonly tag: string;
  readonly clusters: readonly string[];
}

export type PipelineMode = 'delivery' | 'deployment';

export const PIPELINE_STAGES = [
  'checkout',
  'unit-tests',
  'build',
  'deploy-staging',
  'functional-tests',
  'deploy-prod-like',
  'readiness-tests',
  'deploy-production',
  'production-tests',
] as const;
export type PipelineStageId = (typeof PIPELINE_STAGES)[number];

export interface PipelineConfig {
  readonly mode: PipelineMode;
  /** Subset of the nine stages, in pipeline order; absent = all. */
  readonly stages?: readonly PipelineStageId[];
}

export interface SlipwayConfig {
  readonly version: 1;
  readonly build?: BuildConfig;
  readonly package?: PackageConfig;
  readonly integration?: IntegrationConfig;
  readonly clusters: readonly ClusterConfig[];
  readonly deploy?: DeployConfig;
  readonly pipeline?: PipelineConfig;
}

export const CONFIG_DEFAULTS = {
  workdir: '/src',
  user: 'host',
  dockerfile: 'Dockerfile',
  context: '.',
  parallel: 1,
  readyTimeoutSeconds: 120,
  testTimeoutSeconds: 600,
  mode: 'delivery' as PipelineMode,
} as const;
