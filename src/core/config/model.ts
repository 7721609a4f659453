// TEMPORARY stub of the lead's slipway.yml model (see BRIEF.md); replaced by main's version on merge.
export type ClusterRole = 'test' | 'prod-like' | 'production';
export interface ClusterConfig {
  name: string;
  role: ClusterRole;
  host?: string;
  context?: string;
  tls?: { ca?: string; cert?: string; key?: string };
  registry?: string;
  source: 'slipway.yml' | 'settings';
}
export interface BuildStep {
  name: string;
  command: string[];
}
export interface BuildConfig {
  image: string;
  workdir: string;
  env: Record<string, string>;
  steps: BuildStep[];
  user?: string;
}
export interface PackageConfig {
  image: string;
  dockerfile: string;
  context: string;
  buildArgs: Record<string, string>;
}
export interface IntegrationConfig {
  compose: string;
  test: string;
  app?: string;
  parallel: number;
  readyTimeoutSeconds: number;
  testTimeoutSeconds: number;
}
export interface DeployConfig {
  service: string;
  registry?: string;
  readiness?: { compose: string; test: string };
  production?: { compose: string; test: string };
}
export type PipelineMode = 'delivery' | 'deployment';
export interface PipelineConfig {
  mode: PipelineMode;
  stages?: string[];
}
export interface SlipwayConfig {
  version: 1;
  build?: BuildConfig;
  package?: PackageConfig;
  integration?: IntegrationConfig;
  clusters: ClusterConfig[];
  deploy?: DeployConfig;
  pipeline?: PipelineConfig;
}
