import type { ClusterConfig, ClusterRole, SlipwayConfig } from '../../core/config/model';
import { SlipwayError } from '../../core/errors';
import { splitBuildSteps, type ProductionRollback, type StageContext, type StageExecutors, type StageOutcome } from '../../core/pipeline';
import { deploysStack } from '../stack/source';
import type { PipelineToolkit, StagingEnvironment } from './toolkit';

export interface PipelineExecutorSet {
  readonly executors: StageExecutors<SlipwayConfig>;
  readonly rollback: ProductionRollback<SlipwayConfig>;
  /** Tears down what outlives a stage (the staging environment); call after the run, whatever its end. */
  cleanup(): Promise<void>;
}

type Ctx = StageContext<SlipwayConfig>;

function cluster(config: SlipwayConfig, role: ClusterRole): ClusterConfig {
  const c = config.clusters.find((x) => x.role === role);
  if (!c) {
    throw new SlipwayError('config', `No cluster with role ${role} in slipway.yml`, {
      hint: `Add one under clusters: (e.g. ${role}: { host: unix:///var/run/docker.sock, role: ${role} }) or drop the stage from pipeline.stages`,
      remedies: [{ action: 'openConfig' }],
    });
  }
  return c;
}

function need<T>(value: T | undefined, what: string, hint: string): T {
  if (value === undefined) throw new SlipwayError('config', `slipway.yml has no ${what}`, { hint, remedies: [{ action: 'openConfig' }] });
  return value;
}

function serviceOf(config: SlipwayConfig): string {
  return need(need(config.deploy, 'deploy section', 'Add deploy: { service: NAME, registry: HOST:PORT }').service, 'deploy.service', 'Add deploy: { service: NAME } (stack deploys in the pipeline come with deploy.files)');
}

/** The moving tag of untagged commits: it may hold another commit's image, so it is never deployed by tag. */
const MOVING_VERSION = 'develop';

/**
 * The image a deploy ships: the digest the build stage pushed (this run, or the run being resumed), else — for a
 * release version only — the registry's `NAME:VERSION` tag, so `--from deploy-prod-like` works on a release built
 * earlier. A `develop` build is never deployed by tag: that tag may hold another commit's image.
 */
function deployImage(ctx: Ctx): string {
  if (ctx.artifacts.image) return ctx.artifacts.image;
  if (ctx.version === MOVING_VERSION) {
    throw new SlipwayError('notFound', 'No image built from this commit to deploy: no earlier pipeline run on this commit pushed one, and the "develop" tag may hold another commit\'s image', {
      hint: 'Run the pipeline from the start, or tag a release (v1.2.3) to deploy its tag',
      remedies: [{ action: 'runPipeline' }],
    });
  }
  const registry = ctx.config.deploy?.registry;
  const name = ctx.config.package?.image;
  if (!registry || !name) {
    throw new SlipwayError('config', 'No image to deploy: this run did not build one and slipway.yml names no registry image', {
      hint: 'Run the pipeline from build, or set package.image and deploy.registry',
    });
  }
  return `${registry}/${name}:${ctx.version}`;
}

/** Composes the toolkit into the nine stage executors. One set per run (it holds the staging environment). */
export function createPipelineExecutors(tools: PipelineToolkit): PipelineExecutorSet {
  let staging: StagingEnvironment | undefined;
  const common = (ctx: Ctx) => ({ runId: ctx.runId, signal: ctx.signal, log: ctx.log });

  const deployTo = async (ctx: Ctx, role: ClusterRole): Promise<StageOutcome> => {
    const target = cluster(ctx.config, role);
    if (deploysStack(ctx.config)) {
      // The app image by tag, pinned to the digest this run (or the run it resumes) pushed.
      const image = ctx.artifacts.tag ?? deployImage(ctx);
      ctx.log(`deploying the stack with ${image}${ctx.artifacts.digest ? `@${ctx.artifacts.digest}` : ''} to ${target.name}`, 'info');
      const r = await tools.deployStack({
        ...common(ctx),
        workspaceDir: ctx.workspaceDir,
        config: ctx.config,
        cluster: target,
        image,
        ...(ctx.artifacts.digest ? { digest: ctx.artifacts.digest } : {}),
        confirmed: role !== 'production' || ctx.approved,
        ...(ctx.artifacts.commit ? { commit: ctx.artifacts.commit } : {}),
      });
      const artifacts: Record<string, string> = {};
      if (r.release !== undefined) artifacts[`stackRelease.${role}`] = String(r.release);
      if (r.previousRelease !== undefined && !r.skipped) artifacts[`previousRelease.${role}`] = String(r.previousRelease);
      return { message: r.skipped ? `${target.name} already runs it: ${r.message}` : r.message, ...(r.skipped ? { result: 'skipped' as const } : {}), artifacts };
    }
    const image = deployImage(ctx);
    ctx.log(`deploying ${image} as ${serviceOf(ctx.config)} to ${target.name}`, 'info');
    const r = await tools.deploy({ ...common(ctx), cluster: target, service: serviceOf(ctx.config), image, version: ctx.version, confirmed: role !== 'production' || ctx.approved });
    return { message: r.message, artifacts: r.previousImage ? { [`previousImage.${role}`]: r.previousImage } : {} };
  };

  const testOn = async (ctx: Ctx, role: ClusterRole, which: 'readiness' | 'production') => {
    const target = cluster(ctx.config, role);
    const env = need(ctx.config.deploy?.[which], `deploy.${which}`, `Add deploy.${which}: { compose: FILE, test: SERVICE } or drop the stage from pipeline.stages`);
    const stack = deploysStack(ctx.config);
    const targetUrl = stack
      ? await tools.stackUrl({ workspaceDir: ctx.workspaceDir, config: ctx.config, cluster: target, signal: ctx.signal })
      : await tools.serviceUrl({ cluster: target, service: serviceOf(ctx.config), signal: ctx.signal });
    if (targetUrl) ctx.log(`${stack ? `the stack's ${ctx.config.deploy?.app ?? 'app'}` : serviceOf(ctx.config)} answers at ${targetUrl} on ${target.name}`, 'info');
    await tools.runTestContainer({ ...common(ctx), workspaceDir: ctx.workspaceDir, cluster: target, compose: env.compose, test: env.test, image: deployImage(ctx), version: ctx.version, ...(targetUrl ? { targetUrl } : {}) });
    return { message: `${env.test} passed against ${target.name}` };
  };

  const executors: StageExecutors<SlipwayConfig> = {
    checkout: async (ctx) => {
      const ws = await tools.describeWorkspace(ctx.workspaceDir, ctx.signal);
      if (ws.changes.length > 0) {
        const shown = ws.changes.slice(0, 5).join(', ');
        throw new SlipwayError('dirtyTree', `The working tree has uncommitted changes (${shown}${ws.changes.length > 5 ? ', …' : ''})`, {
          hint: 'Commit or stash them: the pipeline ships what is committed',
        });
      }
      ctx.log(`HEAD ${ws.commit} on ${ws.branch}, version ${ws.version}`, 'info');
      return { message: `${ws.branch} @ ${ws.commit.slice(0, 7)}, version ${ws.version}`, artifacts: { commit: ws.commit, version: ws.version } };
    },
    'unit-tests': async (ctx) => {
      const build = need(ctx.config.build, 'build section', 'Add build: { image, steps } to run unit tests in the builder container');
      const { unitTests } = splitBuildSteps(build.steps);
      if (unitTests.length === 0) return { message: 'no test step in build.steps' };
      await tools.runBuilder({ ...common(ctx), workspaceDir: ctx.workspaceDir, config: ctx.config, steps: unitTests });
      return { message: `${unitTests.map((s) => s.name).join(', ')} passed` };
    },
    build: async (ctx): Promise<StageOutcome> => {
      const rest = ctx.config.build ? splitBuildSteps(ctx.config.build.steps).build : [];
      if (rest.length > 0) await tools.runBuilder({ ...common(ctx), workspaceDir: ctx.workspaceDir, config: ctx.config, steps: rest });
      need(ctx.config.package, 'package section', 'Add package: { image: NAME } so the build stage can build the service image');
      const packaged = await tools.packageImage({ ...common(ctx), workspaceDir: ctx.workspaceDir, config: ctx.config, version: ctx.version });
      const registry = ctx.config.deploy?.registry ?? ctx.config.clusters.find((c) => c.registry)?.registry;
      if (!registry) {
        return { message: `packaged ${packaged.image} (no registry: not pushed)`, artifacts: { localImage: packaged.image } };
      }
      const pushed = await tools.pushImage({ ...common(ctx), config: ctx.config, image: packaged.image, registry, version: ctx.version });
      ctx.log(`pushed ${pushed.reference}`, 'info');
      return { message: `pushed ${pushed.reference}`, artifacts: { localImage: packaged.image, image: pushed.reference, digest: pushed.digest, tag: pushed.tag } };
    },
    'deploy-staging': async (ctx) => {
      need(ctx.config.integration, 'integration section', 'Add integration: { compose: FILE, test: SERVICE } for the staging environment');
      const image = ctx.artifacts.localImage ?? `${need(ctx.config.package, 'package section', 'Add package: { image: NAME }').image}:${ctx.version}`;
      await staging?.down(ctx.log);
      staging = await tools.startStaging({ ...common(ctx), workspaceDir: ctx.workspaceDir, config: ctx.config, image, version: ctx.version });
      return { message: `staging up with ${image}` };
    },
    'functional-tests': async (ctx) => {
      const integration = need(ctx.config.integration, 'integration section', 'Add integration: { compose: FILE, test: SERVICE }');
      if (!staging) {
        // Started on its own (`--from functional-tests`): bring staging up just for the tests.
        const image = ctx.artifacts.localImage ?? `${need(ctx.config.package, 'package section', 'Add package: { image: NAME }').image}:${ctx.version}`;
        staging = await tools.startStaging({ ...common(ctx), workspaceDir: ctx.workspaceDir, config: ctx.config, image, version: ctx.version });
      }
      try {
        await staging.runTests({ signal: ctx.signal, log: ctx.log });
      } finally {
        const env = staging;
        staging = undefined;
        await env.down(ctx.log);
      }
      return { message: `${integration.test} passed on staging` };
    },
    'deploy-prod-like': (ctx) => deployTo(ctx, 'prod-like'),
    'readiness-tests': (ctx) => testOn(ctx, 'prod-like', 'readiness'),
    'deploy-production': (ctx) => deployTo(ctx, 'production'),
    'production-tests': (ctx) => testOn(ctx, 'production', 'production'),
  };

  return {
    executors,
    rollback: async (ctx) => {
      if (deploysStack(ctx.config)) {
        const previous = ctx.artifacts['previousRelease.production'];
        if (previous === undefined) return { message: 'nothing to roll back: this run did not change production (or production had no earlier release)' };
        const r = await tools.rollbackStack({ ...common(ctx), workspaceDir: ctx.workspaceDir, config: ctx.config, cluster: cluster(ctx.config, 'production'), to: Number(previous), reason: `production tests of pipeline run ${ctx.runId} failed` });
        return { message: r.message };
      }
      const r = await tools.rollback({ ...common(ctx), cluster: cluster(ctx.config, 'production'), service: serviceOf(ctx.config) });
      return { message: r.message };
    },
    cleanup: async () => {
      const env = staging;
      staging = undefined;
      await env?.down();
    },
  };
}
