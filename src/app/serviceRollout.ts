/**
 * Deploy and rollback of a plain Swarm service (outside any stack), followed until Swarm settles: the one sequence
 * the pipeline, the CLI (`slipway deploy|rollback|promote SERVICE`) and the editor share.
 */
import { SlipwayError } from '../core/errors';
import { taskChanges, type RolloutProgress, type RolloutTask } from '../core/swarm/rollout';
import { prepareDeploy, startDeploy, startRollback, watchRollout, type ClusterPort, type RegistryLookup, type StartedRollout } from './swarmOperations';

export const ROLLOUT_TIMEOUT_MS = 10 * 60_000;

export interface RolloutListener {
  /** Per-task changes since the last look ("task 2: running → shutdown"). */
  readonly onTasks?: (lines: readonly string[]) => void;
  /** Swarm's own summary, each time it changes while the rollout runs. */
  readonly onMessage?: (message: string) => void;
}

/** Follows a started rollout until Swarm completes, pauses or rolls it back; returns the outcome. */
export async function followRollout(
  port: ClusterPort,
  started: StartedRollout,
  options: RolloutListener & { readonly signal?: AbortSignal; readonly timeoutMs?: number; readonly pollMs?: number },
): Promise<RolloutProgress> {
  let previous: readonly RolloutTask[] = [];
  let lastMessage = '';
  const { progress } = await watchRollout(port, started.plan.service, started.targetImage, started.since, {
    ...(options.signal ? { signal: options.signal } : {}),
    pollMs: options.pollMs ?? 500,
    timeoutMs: options.timeoutMs ?? ROLLOUT_TIMEOUT_MS,
    onProgress: (p) => {
      const lines = taskChanges(previous, p.tasks);
      previous = p.tasks;
      if (p.outcome === 'inProgress' && p.message !== lastMessage) {
        options.onMessage?.(p.message);
        lastMessage = p.message;
      }
      if (lines.length > 0) options.onTasks?.(lines);
    },
  });
  return progress;
}

/** Deploys `image` as `service`, pinned to the registry's digest, behind the production guard, and waits. */
export async function deployServiceAndWait(
  port: ClusterPort,
  registryFor: RegistryLookup,
  options: RolloutListener & { readonly service: string; readonly image: string; readonly confirmed: boolean; readonly signal: AbortSignal; readonly onWarning?: (w: string) => void },
): Promise<{ message: string; previousImage?: string }> {
  const plan = await prepareDeploy(port, options.service, options.image, registryFor);
  const started = await startDeploy(port, plan, options.confirmed ? { confirmation: { cluster: port.cluster.name } } : {});
  for (const w of started.warnings) options.onWarning?.(w);
  if (started.unchanged) return { message: `${options.service} on ${port.cluster.name} already runs ${plan.to.version}`, previousImage: plan.from.image };
  options.onMessage?.(`deploying ${plan.summary}`);
  const progress = await followRollout(port, started, options);
  if (progress.outcome !== 'completed') {
    throw new SlipwayError('docker', `The rollout of ${options.service} on ${port.cluster.name} did not complete: ${progress.message}`, {
      remedies: [...progress.remedies, { action: 'showTasks', cluster: port.cluster.name, service: options.service }],
    });
  }
  return { message: plan.summary, previousImage: plan.from.image };
}

/** Rolls `service` back to its previous spec and waits; runs to the end even when the caller is cancelled. */
export async function rollbackServiceAndWait(port: ClusterPort, service: string, listener: RolloutListener = {}): Promise<{ message: string }> {
  const started = await startRollback(port, service);
  listener.onMessage?.(`rolling back ${started.plan.summary}`);
  const progress = await followRollout(port, started, listener);
  if (progress.outcome !== 'rolledBack' && progress.outcome !== 'completed') {
    throw new SlipwayError('docker', `The rollback of ${service} on ${port.cluster.name} did not complete: ${progress.message}`, {
      remedies: [{ action: 'showTasks', cluster: port.cluster.name, service }],
    });
  }
  return { message: `${service} on ${port.cluster.name} runs ${started.plan.to.version} again` };
}
