import type { BuildStep, ClusterConfig, SlipwayConfig } from '../../core/config/model';
import type { LineSink } from '../../core/run/lines';
import type { PushedImage, WorkspaceState } from '../ports';

interface Common {
  readonly runId: string;
  readonly signal: AbortSignal;
  readonly log: LineSink;
}

/** A compose environment that stays up between deploy-staging and functional-tests. */
export interface StagingEnvironment {
  /** Runs the test service in the environment; throws SlipwayError('testFailed') on a non-zero exit. */
  runTests(options: { signal: AbortSignal; log: LineSink }): Promise<void>;
  /** Tears the environment down (down -v), reporting into `log` (the stage doing it); safe to call twice. */
  down(log?: LineSink): Promise<void>;
}

/**
 * What the pipeline stages are made of: the build use cases (builder, image, compose environment), the plain-service
 * deploy and rollback, and the pipeline's own ports (workspace, push, test containers). The executors compose these,
 * so the stage logic is tested with fakes (test/unit/pipeline) and the tools where they live.
 */
export interface PipelineToolkit {
  describeWorkspace(dir: string, signal: AbortSignal): Promise<WorkspaceState>;
  /** Runs the given builder steps in the builder container; throws on a failing step. */
  runBuilder(options: Common & { workspaceDir: string; config: SlipwayConfig; steps: readonly BuildStep[] }): Promise<void>;
  /** Builds the service image `NAME:VERSION` from the workspace; returns the local reference. */
  packageImage(options: Common & { workspaceDir: string; config: SlipwayConfig; version: string }): Promise<{ image: string; id?: string }>;
  /** Tags `image` into `registry` and pushes it; returns the pushed reference by digest. */
  pushImage(options: Common & { config: SlipwayConfig; image: string; registry: string; version: string }): Promise<PushedImage>;
  /** Brings up the integration compose environment with the packaged image and waits until the app is ready. */
  startStaging(options: Common & { workspaceDir: string; config: SlipwayConfig; image: string; version: string }): Promise<StagingEnvironment>;
  /** Deploys `image` (by digest) as the service on the cluster and waits for the rollout. */
  deploy(options: Common & { cluster: ClusterConfig; service: string; image: string; version: string; confirmed: boolean }): Promise<{ message: string; previousImage?: string }>;
  /**
   * Deploys slipway.yml's stack with the app image on the cluster (create or update), follows it to converged, and
   * records a release with trigger `pipeline <run>`. `skipped` when the cluster already runs exactly that.
   */
  deployStack(options: Common & { workspaceDir: string; config: SlipwayConfig; cluster: ClusterConfig; image: string; digest?: string; confirmed: boolean; commit?: string }): Promise<StackStageResult>;
  /** Rolls the whole stack back to release `to` (a new release saying so) and follows it. */
  rollbackStack(options: Common & { workspaceDir: string; config: SlipwayConfig; cluster: ClusterConfig; to: number; reason: string }): Promise<{ message: string }>;
  /** Where the stack's app answers (its host-published port, on the node running its task), if it publishes one. */
  stackUrl(options: { workspaceDir: string; config: SlipwayConfig; cluster: ClusterConfig; signal: AbortSignal }): Promise<string | undefined>;
  /** Rolls the service back to its previous spec on the cluster and waits. */
  rollback(options: Common & { cluster: ClusterConfig; service: string }): Promise<{ message: string }>;
  /** Where the deployed service answers on the cluster's node (its first host-published port), if it publishes one. */
  serviceUrl(options: { cluster: ClusterConfig; service: string; signal: AbortSignal }): Promise<string | undefined>;
  /**
   * Runs a test service (compose file) against the deployed service on the cluster's engine, with TARGET_URL (and
   * SLIPWAY_TARGET_URL) set to `targetUrl`; throws on a non-zero exit.
   */
  runTestContainer(options: Common & { workspaceDir: string; cluster: ClusterConfig; compose: string; test: string; image: string; version: string; targetUrl?: string }): Promise<void>;
}

export interface StackStageResult {
  readonly message: string;
  /** Nothing to do: the cluster already runs what the files say for this image. */
  readonly skipped: boolean;
  /** The release this deploy recorded. */
  readonly release?: number;
  /** The newest release before this deploy (what a rollback returns to). */
  readonly previousRelease?: number;
}
