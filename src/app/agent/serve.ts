/**
 * The agent process: the webhook endpoint, a reconcile at start (pushes missed while it was down) and then a slow
 * poll of the registry every `pollSeconds`, until the signal aborts (SIGTERM when Swarm stops the task).
 */
import type { AgentSettings } from '../../core/agent/agentService';
import { PushAgent, type PushAgentDeps } from './pushAgent';

export interface AgentServer {
  close(): Promise<void>;
}

export interface ServeAgentDeps extends PushAgentDeps {
  readonly settings: AgentSettings;
  /** Starts the HTTP endpoint that hands envelopes to `agent.accept`. */
  startServer(agent: PushAgent): Promise<AgentServer>;
}

export async function serveAgent(deps: ServeAgentDeps, signal: AbortSignal): Promise<void> {
  const agent = new PushAgent(deps);
  const server = await deps.startServer(agent);
  const { cluster, role, port, pollSeconds } = deps.settings;
  deps.log(`agent for cluster ${cluster} (${role}) listening on port ${port}; polling the registry every ${pollSeconds} s`);
  void agent.reconcile();
  const timer = setInterval(() => void agent.reconcile(), pollSeconds * 1000);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  clearInterval(timer);
  agent.stop();
  deps.log('agent stopping: finishing the work in progress');
  await server.close();
  await agent.idle();
}
