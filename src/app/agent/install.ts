/**
 * `slipway agent install|status|remove`: the agent as a Swarm service on a cluster's manager, built locally from the
 * CLI bundle and a node base image (nothing pulled), its bearer token a Docker secret. Production needs a
 * confirmation naming the cluster.
 */
import { agentSecretName, agentServiceSpec, agentSettingsFromEnv, agentUrl, notificationsBlock, type AgentSettings } from '../../core/agent/agentService';
import { SlipwayError } from '../../core/errors';
import type { ClusterTarget, SwarmService, SwarmTask } from '../../core/swarm/model';
import type { Confirmation } from '../../core/swarm/plans';

export interface AgentHostPort {
  readonly cluster: ClusterTarget;
  /** The swarm node of the engine Slipway talks to; refuses a worker (the agent deploys, so it needs a manager). */
  managerNode(): Promise<{ id: string; hostname: string }>;
  /** The engine's socket path on its node (mounted into the agent). */
  readonly socketPath: string;
  /** Builds the agent image on the engine from the CLI bundle over `baseImage`; returns its tag. */
  buildAgentImage(baseImage: string, onLog: (line: string) => void): Promise<string>;
  /** sha256 hex of the token (names the secret without revealing it). */
  tokenHash(token: string): string;
  /** Creates the secret unless it exists; returns its ID. */
  ensureSecret(name: string, token: string): Promise<string>;
  /** The agent service's env (its settings), or undefined when it is not installed. */
  serviceEnv(): Promise<readonly string[] | undefined>;
  serviceState(): Promise<{ service: SwarmService; tasks: SwarmTask[] } | undefined>;
  createOrUpdate(spec: ReturnType<typeof agentServiceSpec>): Promise<'created' | 'updated'>;
  /** Removes the service and the agent's secrets; false when there was nothing. */
  remove(): Promise<boolean>;
  /** The last `tail` lines the agent logged. */
  logs(tail: number): Promise<string[]>;
}

export interface AgentInstallOptions {
  readonly baseImage: string;
  readonly token: string;
  readonly port: number;
  readonly pollSeconds: number;
  readonly confirmation?: Confirmation;
  /** The URL the registry posts to (default http://127.0.0.1:PORT/events: the registry beside the manager). */
  readonly url?: string;
  readonly onLog?: (line: string) => void;
}

export interface AgentInstallResult {
  readonly action: 'created' | 'updated';
  readonly image: string;
  readonly node: string;
  readonly secret: string;
  readonly url: string;
  /** The `notifications:` block for the registry's config.yml. */
  readonly notifications: string;
}

function assertConfirmed(cluster: ClusterTarget, confirmation: Confirmation | undefined, what: string): void {
  if (cluster.role !== 'production' || confirmation?.cluster === cluster.name) return;
  throw new SlipwayError('confirmationRequired', `Refusing to ${what} the Slipway agent on production cluster "${cluster.name}" without confirmation`, {
    hint: `Confirm by naming the cluster ${cluster.name}`,
    details: { cluster: cluster.name },
  });
}

export async function installAgent(host: AgentHostPort, options: AgentInstallOptions): Promise<AgentInstallResult> {
  assertConfirmed(host.cluster, options.confirmation, 'install');
  if (options.token.length < 16) throw new SlipwayError('usage', 'The agent token must be at least 16 characters long');
  const node = await host.managerNode();
  const image = await host.buildAgentImage(options.baseImage, options.onLog ?? (() => undefined));
  const secretName = agentSecretName(host.tokenHash(options.token));
  const secretId = await host.ensureSecret(secretName, options.token);
  const settings: AgentSettings = { cluster: host.cluster.name, role: host.cluster.role, port: options.port, pollSeconds: options.pollSeconds };
  const action = await host.createOrUpdate(agentServiceSpec({ ...settings, image, nodeId: node.id, socketPath: host.socketPath, secretId, secretName }));
  const url = options.url ?? agentUrl(options.port);
  return { action, image, node: node.hostname, secret: secretName, url, notifications: notificationsBlock(url, options.token) };
}

export interface AgentStatus {
  readonly installed: boolean;
  readonly settings: Partial<AgentSettings>;
  readonly image?: string;
  /** e.g. "running on vm (1/1)", or the newest task's error. */
  readonly state: string;
  readonly running: boolean;
  readonly logs: readonly string[];
}

export async function agentStatus(host: AgentHostPort, tail = 20): Promise<AgentStatus> {
  const state = await host.serviceState();
  if (!state) return { installed: false, settings: {}, state: `not installed on ${host.cluster.name}`, running: false, logs: [] };
  const env = (await host.serviceEnv()) ?? [];
  const running = state.tasks.filter((t) => t.desiredState === 'running' && t.state === 'running');
  const newest = [...state.tasks].sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1))[0];
  const text = running.length > 0 ? `running (${running.length}/1)` : newest ? `not running: task ${newest.state}${newest.error ? ` (${newest.error})` : newest.message ? ` (${newest.message})` : ''}` : 'no task yet';
  return { installed: true, settings: agentSettingsFromEnv(env), image: state.service.imageText, state: text, running: running.length > 0, logs: await host.logs(tail) };
}

export async function removeAgent(host: AgentHostPort, confirmation?: Confirmation): Promise<boolean> {
  assertConfirmed(host.cluster, confirmation, 'remove');
  return host.remove();
}
