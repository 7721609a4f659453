import { composeVersion, labelOverride, parseComposeModel, readinessService } from '../../core/build/composeModel';
import { composeProjectName, runLabels } from '../../core/build/labels';
import type { ComposeEnvironment, OutputSink } from '../../core/build/ports';
import { probeHost, readinessOf } from '../../core/build/readiness';
import type { SlipwayConfig } from '../../core/config/model';
import { SlipwayError, cancelledError } from '../../core/errors';
import { delay, throwIfAborted } from '../../core/run/cancellation';
import { RunEvents } from '../../core/run/events';
import { lineWriter, type LineSink } from '../../core/run/lines';
import { buildWorkspace, packageWorkspace } from '../build';
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

/** The real pipeline tools: the build use cases, the plain-service rollout and the pipeline's ports. */
export function pipelineToolkit(ports: PipelinePorts): PipelineToolkit {
  const adapters = ports.build;
  return {
    describeWorkspace: (dir, signal) => ports.describeWorkspace(dir, signal),
    pushImage: (o) => ports.pushImage(o),
    runTestContainer: (o) => ports.runTestContainer(o),

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

    async rollback(o) {
      return rollbackServiceAndWait(ports.connect(o.cluster), o.service, { onMessage: (m) => o.log(m, 'info'), onTasks: (lines) => lines.forEach((l) => o.log(l)) });
    },

    async serviceUrl(o) {
      const { service } = await ports.connect(o.cluster).serviceState(o.service);
      const port = service.ports.find((p) => p.published !== undefined);
      return port ? `http://127.0.0.1:${port.published}` : undefined;
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
      const integration = o.config.integration;
      if (!integration) throw new SlipwayError('config', 'slipway.yml has no integration section', { hint: 'Add integration: { compose: FILE, test: SERVICE }' });
      const composeFile = adapters.resolvePath(o.workspaceDir, integration.compose);
      let text: string;
      try {
        text = await adapters.files.readText(composeFile);
      } catch (e) {
        throw new SlipwayError('config', `Cannot read the compose file ${integration.compose}: ${(e as Error).message}`, { hint: 'Check integration.compose in slipway.yml', cause: e });
      }
      const model = parseComposeModel(text, integration.compose);
      const app = readinessService(model, integration.test, integration.app, integration.compose);
      const ports = await adapters.portAllocator.freePorts(model.portVariables.length);
      const labels = runLabels(o.runId, o.workspaceDir, 'integration', adapters.owner);
      const env: ComposeEnvironment = {
        projectName: composeProjectName(`${o.runId}staging`, 1),
        workspaceDir: o.workspaceDir,
        composeFile,
        env: { SLIPWAY_IMAGE: o.image, SLIPWAY_VERSION: o.version, ...Object.fromEntries(model.portVariables.map((v, i) => [v, String(ports[i])])) },
        labels,
        labelOverride: labelOverride(model, labels, composeVersion(text) ?? '3.8'),
      };
      let down: Promise<void> | undefined;
      const staging: StagingEnvironment = {
        async runTests({ signal, log }) {
          log(`running ${integration.test}`, 'info');
          const sink = sinkOf(log);
          const r = await adapters.compose.runService(env, integration.test, sink, integration.testTimeoutSeconds * 1000, signal).finally(() => sink.flush());
          if (r.exitCode !== 0) {
            throw new SlipwayError('testFailed', `${integration.test} exited with code ${r.exitCode}`, { hint: 'See the stage log for the test output', details: { exitCode: r.exitCode } });
          }
        },
        down(log = o.log) {
          down ??= (async () => {
            log(`tearing down ${env.projectName}`, 'info');
            const sink = sinkOf(log);
            await adapters.compose.down(env, sink);
            sink.flush();
          })();
          return down;
        },
      };
      try {
        o.log(`project ${env.projectName}, image ${o.image}`, 'info');
        const services = app ? [app] : model.dependsOn[integration.test] ?? [];
        const sink = sinkOf(o.log);
        if (services.length > 0) await adapters.compose.up(env, services, sink, o.signal).finally(() => sink.flush());
        if (app) await waitReady(app, integration.readyTimeoutSeconds * 1000);
        return staging;
      } catch (e) {
        await staging.down();
        throw e;
      }

      async function waitReady(service: string, timeoutMs: number): Promise<void> {
        const deadline = Date.now() + timeoutMs;
        let last = '';
        for (;;) {
          throwIfAborted(o.signal, 'Waiting for staging');
          const v = readinessOf(service, await adapters.compose.serviceState(env, service));
          if (v.state === 'ready') return o.log(v.how, 'info');
          if (v.state === 'failed') throw new SlipwayError('testFailed', v.why, { hint: `Look at the log of ${service} above` });
          if (v.checkPorts) {
            const answers = await Promise.all(v.checkPorts.map((p) => adapters.compose.portAnswers(probeHost(p.host), p.port)));
            if (answers.every(Boolean)) return o.log(`${service} answers on port ${v.checkPorts.map((p) => p.port).join(', ')}`, 'info');
          }
          if (v.why !== last) o.log(`waiting: ${v.why}`, 'info');
          last = v.why;
          if (Date.now() >= deadline) {
            throw new SlipwayError('timeout', `${service} was not ready within ${Math.round(timeoutMs / 1000)} s: ${v.why}`, { hint: 'Raise integration.readyTimeoutSeconds in slipway.yml' });
          }
          await delay(250, o.signal);
        }
      }
    },
  };
}
