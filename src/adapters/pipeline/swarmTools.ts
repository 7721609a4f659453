import { SlipwayError } from '../../core/errors';
import { taskChanges, type RolloutTask } from '../../core/swarm/rollout';
import type { ClusterTarget } from '../../core/swarm/model';
import { prepareDeploy, startDeploy, startRollback, watchRollout, type StartedRollout } from '../../core/swarm/operations';
import { serviceUrl } from '../../core/swarm/serviceUrl';
import { SwarmCluster } from '../docker/swarm';
import { registryLookup } from '../docker/swarmClusters';
import type { LineSink, PipelineToolkit } from './toolkit';

const ROLLOUT_TIMEOUT_MS = 10 * 60_000;

/** Follows a started rollout into the stage log until Swarm settles; returns its outcome. */
async function follow(client: SwarmCluster, started: StartedRollout, signal: AbortSignal, log: LineSink) {
  let previous: readonly RolloutTask[] = [];
  let lastMessage = '';
  const { progress } = await watchRollout(client, started.plan.service, started.targetImage, started.since, {
    signal,
    pollMs: 500,
    timeoutMs: ROLLOUT_TIMEOUT_MS,
    onProgress: (p) => {
      for (const line of taskChanges(previous, p.tasks)) log(line);
      previous = p.tasks;
      if (p.message !== lastMessage) log(p.message, 'info');
      lastMessage = p.message;
    },
  });
  return progress;
}

/** The swarm feature's deploy (pinned to a digest, production guard, rollout watch) and rollback as pipeline tools. */
export function swarmTools(env: NodeJS.ProcessEnv = process.env): Pick<PipelineToolkit, 'deploy' | 'rollback' | 'serviceUrl'> {
  const registries = registryLookup();
  const connect = (cluster: ClusterTarget) => SwarmCluster.connect(cluster, env);
  return {
    async deploy(o) {
      const client = connect(o.cluster);
      const plan = await prepareDeploy(client, o.service, o.image, registries);
      const started = await startDeploy(client, plan, {
        ...(o.confirmed ? { confirmation: { cluster: o.cluster.name } } : {}),
        confirmHint: 'Approve the production deploy: `slipway pipeline --from deploy-production`, or Deploy to Production in the Pipeline view',
      });
      for (const w of started.warnings) o.log(`warning: ${w}`, 'stderr');
      if (started.unchanged) return { message: `${o.service} on ${o.cluster.name} already runs ${plan.to.version}`, previousImage: plan.from.image };
      o.log(`deploying ${plan.summary}`, 'info');
      const progress = await follow(client, started, o.signal, o.log);
      if (progress.outcome !== 'completed') {
        throw new SlipwayError('docker', `The rollout of ${o.service} on ${o.cluster.name} did not complete: ${progress.message}`, {
          hint: `See the tasks: slipway swarm tasks ${o.service} --cluster ${o.cluster.name}`,
        });
      }
      return { message: plan.summary, previousImage: plan.from.image };
    },

    async rollback(o) {
      const client = connect(o.cluster);
      const started = await startRollback(client, o.service);
      o.log(`rolling back ${started.plan.summary}`, 'info');
      const progress = await follow(client, started, new AbortController().signal, o.log);
      if (progress.outcome !== 'rolledBack' && progress.outcome !== 'completed') {
        throw new SlipwayError('docker', `The rollback of ${o.service} on ${o.cluster.name} did not complete: ${progress.message}`);
      }
      return { message: `${o.service} on ${o.cluster.name} runs ${started.plan.to.version} again` };
    },

    async serviceUrl(o) {
      const snapshot = await connect(o.cluster).snapshot();
      const service = snapshot.services.find((s) => s.name === o.service);
      return service ? serviceUrl(service, snapshot.tasks, snapshot.nodes) : undefined;
    },
  };
}
