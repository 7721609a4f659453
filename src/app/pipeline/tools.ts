import { applyStackDeploy, prepareStackDeploy } from '../stack/deploy';
import { prepareStackRollback } from '../stack/releases';
import { stackSourceFor } from '../stack/source';
import { planLines } from '../../core/stack/plan';
import { environmentOf, loadEnvironmentTemplate, runTestService, startEnvironment, stopEnvironment, type EnvironmentIo } from '../../core/build/environment';
import { composeProjectName } from '../../core/build/labels';
import type { OutputSink } from '../../core/build/ports';
import type { SlipwayConfig } from '../../core/config/model';
import { SlipwayError, cancelledError } from '../../core/errors';
import { RunEvents } from '../../core/run/events';
import { serviceUrl } from '../../core/swarm/serviceUrl';
import { lineWriter, type LineSink } from '../../core/run/lines';
import { buildEngineOf, buildWorkspace, packageWorkspace, portsForConfig } from '../build';
import type { PipelinePorts } from '../ports';
import { deployServiceAndWait, rollbackServiceAndWait } from '../serviceRollout';
import type { PipelineToolkit, StagingEnvironment } from './toolkit';

/** Forwards a build feature run's events into the pipeline stage's log (its stages become sub-headers). */
function forward(log: LineSink): RunEvents {
  const events = new RunEvents();
  events.on((e) => {
    if (e.type === 'log') log(e.text, e.stream);
    else if (e.type === 'stageStarted') log(`-- ${e.stage}`, 'info');
    else if (e.type === 'stageEnded' && e.result !== 'passed') log(`-- ${e.stage}: ${e.result}${e.message ? `: ${e.message}` : ''}`, 'info');
  });
  return events;
}

function sinkOf(log: LineSink): OutputSink & { flush(): void } {
  const out = lineWriter(log, 'stdout');
  const err = lineWriter(log, 'stderr');
  return { stdout: out.write, stderr: err.write, flush: () => (out.flush(), err.flush()) };
}

/** How long a readiness or production test may run on a cluster. */
const CLUSTER_TEST_TIMEOUT_S = 600;

/** The real pipeline tools: the build use cases, the plain-service rollout and the pipeline's ports. */
export function pipelineToolkit(ports: PipelinePorts): PipelineToolkit {
  const adapters = ports.build;
  return {
    describeWorkspace: (dir, signal) => ports.describeWorkspace(dir, signal),
    // From the engine that packaged the image (build.engine), where the image is.
    pushImage: ({ config, ...o }) => {
      const engine = buildEngineOf(config);
      return ports.pushImage({ ...o, ...(engine ? { engine } : {}) });
    },

    async deploy(o) {
      return deployServiceAndWait(ports.connect(o.cluster), ports.registryFor, {
        service: o.service,
        image: o.image,
        confirmed: o.confirmed,
        signal: o.signal,
        onWarning: (w) => o.log(`warning: ${w}`, 'stderr'),
        onMessage: (m) => o.log(m, 'info'),
        onTasks: (lines) => lines.forEach((l) => o.log(l)),
      });
    },

    async deployStack(o) {
      const cluster = ports.stacks(o.cluster);
      const source = stackSourceFor(o.config, o.cluster);
      const deps = { cluster, files: ports.stackFiles(o.workspaceDir), registryFor: ports.registryFor, env: ports.env };
      const before = await cluster.releases(source.stack);
      const prepared = await prepareStackDeploy(deps, source, o.image, o.digest ? { digest: o.digest } : {});
      for (const w of prepared.warnings) o.log(`warning: ${w}`, 'stderr');
      for (const line of planLines(prepared.plan)) o.log(line, 'info');
      const result = await applyStackDeploy(deps, prepared, {
        ...(o.confirmed ? { confirmation: { cluster: o.cluster.name } } : {}),
        trigger: `pipeline ${o.runId}`,
        who: ports.env.SLIPWAY_ACTOR ?? ports.env.USER ?? 'pipeline',
        ...(o.commit ? { commit: o.commit } : {}),
        signal: o.signal,
        onEvent: (e) => o.log(e.kind === 'step' ? e.text : `${e.service}: ${e.kind === 'serviceDone' ? `${e.outcome} (${e.message})` : e.message}`, e.kind === 'step' ? 'info' : 'stdout'),
      });
      if (result.outcome === 'failed') throw new SlipwayError('docker', result.message, { remedies: result.remedies });
      const previous = before[before.length - 1]?.number;
      return { message: result.message, skipped: result.outcome === 'unchanged', ...(result.release !== undefined ? { release: result.release } : {}), ...(previous !== undefined ? { previousRelease: previous } : {}) };
    },

    async rollbackStack(o) {
      const cluster = ports.stacks(o.cluster);
      const source = stackSourceFor(o.config, o.cluster);
      const prepared = await prepareStackRollback(cluster, source, o.to);
      for (const line of planLines(prepared.plan)) o.log(line, 'info');
      const result = await applyStackDeploy({ cluster, files: ports.stackFiles(o.workspaceDir) }, prepared, {
        // The pipeline rolls production back on its own in deployment mode: that mode is the confirmation.
        confirmation: { cluster: o.cluster.name },
        trigger: `pipeline ${o.runId}`,
        who: ports.env.SLIPWAY_ACTOR ?? ports.env.USER ?? 'pipeline',
        reason: o.reason,
        signal: o.signal,
        onEvent: (e) => o.log(e.kind === 'step' ? e.text : `${e.service}: ${e.message}`, 'info'),
      });
      if (result.outcome === 'failed') throw new SlipwayError('docker', result.message, { remedies: result.remedies });
      return { message: `${source.stack} back at release #${o.to} (${prepared.version}), recorded as release #${result.release ?? '?'}` };
    },

    async stackUrl(o) {
      const source = stackSourceFor(o.config, o.cluster);
      if (!source.app) return undefined;
      const cluster = ports.stacks(o.cluster);
      const { service, tasks } = await cluster.serviceState(`${source.stack}_${source.app}`);
      const port = service.ports.find((p) => p.published !== undefined && p.published > 0);
      if (!port) return undefined;
      // A host-mode port answers only on the node running the task; ingress ports on every node.
      const task = port.mode === 'host' ? tasks.find((t) => t.desiredState === 'running' && t.state === 'running') : undefined;
      const host = task ? await cluster.nodeAddress(task.nodeId) : '127.0.0.1';
      return `http://${host}:${port.published}`;
    },

    async rollback(o) {
      return rollbackServiceAndWait(ports.connect(o.cluster), o.service, { onMessage: (m) => o.log(m, 'info'), onTasks: (lines) => lines.forEach((l) => o.log(l)) });
    },

    async serviceUrl(o) {
      const snapshot = await ports.connect(o.cluster).snapshot();
      const service = snapshot.services.find((s) => s.name === o.service);
      return service ? serviceUrl(service, snapshot.tasks, snapshot.nodes) : undefined;
    },

    async runBuilder(o) {
      const config: SlipwayConfig = { ...o.config, ...(o.config.build ? { build: { ...o.config.build, steps: o.steps } } : {}) };
      const r = await buildWorkspace(adapters, { workspaceDir: o.workspaceDir, events: forward(o.log), signal: o.signal, config, runId: `${o.runId}b${o.steps.length}` });
      if (r.verdict === 'cancelled') throw cancelledError('The build');
      if (r.verdict !== 'passed') {
        const failed = r.steps.find((s) => s.result === 'failed');
        throw new SlipwayError('testFailed', r.message ?? `build step ${failed?.name ?? '?'} exited with code ${r.exitCode}`, { details: { exitCode: r.exitCode } });
      }
    },

    async packageImage(o) {
      const r = await packageWorkspace(adapters, { workspaceDir: o.workspaceDir, events: forward(o.log), signal: o.signal, config: o.config, runId: `${o.runId}p`, version: o.version });
      if (r.verdict === 'cancelled') throw cancelledError('Packaging');
      if (r.verdict !== 'passed') throw new SlipwayError('docker', r.message ?? `packaging ${r.image} failed`);
      return { image: r.image, ...(r.imageId ? { id: r.imageId } : {}) };
    },

    /**
     * Staging: the integration compose environment with the new image, up and ready (deploy-staging), kept for the
     * functional tests, which run its test service; always torn down by `down()`.
     */
    async startStaging(o): Promise<StagingEnvironment> {
      // On the engine that packaged the image (build.engine), where the image is.
      const adapters = portsForConfig(ports.build, o.config);
      const integration = o.config.integration;
      if (!integration) throw new SlipwayError('config', 'slipway.yml has no integration section', { hint: 'Add integration: { compose: FILE, test: SERVICE }', remedies: [{ action: 'openConfig' }] });
      const template = await loadEnvironmentTemplate({ ...integration, section: 'integration' }, { workspaceDir: o.workspaceDir, files: adapters.files, resolvePath: adapters.resolvePath });
      const hostPorts = await adapters.portAllocator.freePorts(template.model.portVariables.length);
      const env = environmentOf(template, {
        projectName: composeProjectName(`${o.runId}staging`, 1),
        runId: o.runId,
        workspaceDir: o.workspaceDir,
        kind: 'staging',
        owner: adapters.owner,
        env: { SLIPWAY_IMAGE: o.image, SLIPWAY_VERSION: o.version, ...Object.fromEntries(template.model.portVariables.map((v, i) => [v, String(hostPorts[i])])) },
      });
      const io = (log: LineSink, signal?: AbortSignal): EnvironmentIo => ({ compose: adapters.compose, info: (t) => log(t, 'info'), sink: () => sinkOf(log), ...(signal ? { signal } : {}) });
      let down: Promise<void> | undefined;
      const staging: StagingEnvironment = {
        async runTests({ signal, log }) {
          const exitCode = await runTestService(template, env, io(log, signal), sinkOf(log));
          if (exitCode !== 0) {
            throw new SlipwayError('testFailed', `${integration.test} exited with code ${exitCode}`, { hint: 'See the stage log for the test output', details: { exitCode } });
          }
        },
        down(log = o.log) {
          down ??= stopEnvironment(env, io(log));
          return down;
        },
      };
      try {
        o.log(`project ${env.projectName}, image ${o.image}`, 'info');
        await startEnvironment(template, env, io(o.log, o.signal));
        return staging;
      } catch (e) {
        await staging.down();
        throw e;
      }
    },

    /**
     * Readiness and production tests: the test service of a compose file, alone (`--no-deps`), on the cluster's
     * engine, against what the cluster serves (TARGET_URL); labelled like every environment and always removed.
     */
    async runTestContainer(o) {
      const template = await loadEnvironmentTemplate(
        { compose: o.compose, test: o.test, section: `deploy.${o.cluster.role === 'production' ? 'production' : 'readiness'}`, standalone: true, readyTimeoutSeconds: 0, testTimeoutSeconds: CLUSTER_TEST_TIMEOUT_S },
        { workspaceDir: o.workspaceDir, files: adapters.files, resolvePath: adapters.resolvePath },
      );
      const env = environmentOf(template, {
        projectName: composeProjectName(`${o.runId}${o.cluster.role}`, 1),
        runId: o.runId,
        workspaceDir: o.workspaceDir,
        kind: o.cluster.role === 'production' ? 'production' : 'readiness',
        owner: adapters.owner,
        env: {
          SLIPWAY_IMAGE: o.image,
          SLIPWAY_VERSION: o.version,
          SLIPWAY_CLUSTER: o.cluster.name,
          ...(o.targetUrl ? { TARGET_URL: o.targetUrl, SLIPWAY_TARGET_URL: o.targetUrl } : {}),
        },
      });
      const io: EnvironmentIo = { compose: ports.composeOn(o.cluster), info: (t) => o.log(t, 'info'), sink: () => sinkOf(o.log), signal: o.signal };
      o.log(`running test service ${o.test} of ${o.compose} on ${o.cluster.name} (${o.cluster.host ?? o.cluster.context ?? 'default engine'})`, 'info');
      try {
        const exitCode = await runTestService(template, env, io, sinkOf(o.log));
        if (exitCode !== 0) {
          throw new SlipwayError('testFailed', `${o.test} exited with code ${exitCode} against ${o.cluster.name}`, { hint: 'See the stage log for the test output', details: { exitCode } });
        }
      } finally {
        await stopEnvironment(env, io);
      }
    },
  };
}
