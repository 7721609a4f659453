/**
 * The agent as a Swarm service: its name, the service spec (host network on the manager Slipway talks to, the
 * engine's socket mounted, the bearer token as a Docker secret) and the `notifications:` block the registry's
 * configuration needs to post pushes to it. Pure: the adapters create what this describes.
 */
import type { ClusterRole } from '../config/model';
import type { EngineServiceSpec } from '../stack/engineSpec';

export const AGENT_SERVICE = 'slipway-agent';
export const AGENT_LABEL = 'io.slipway.agent';
export const AGENT_SECRET_FILE = 'slipway-agent-token';
export const AGENT_DEFAULT_PORT = 18765;
export const AGENT_DEFAULT_POLL_SECONDS = 300;
export const AGENT_EVENTS_PATH = '/events';

export interface AgentSettings {
  readonly cluster: string;
  readonly role: ClusterRole;
  readonly port: number;
  readonly pollSeconds: number;
}

export interface AgentServiceInput extends AgentSettings {
  readonly image: string;
  /** The manager node the agent runs on (the engine Slipway talks to). */
  readonly nodeId: string;
  /** The engine's API socket on that node (mounted into the agent). */
  readonly socketPath: string;
  readonly secretId: string;
  readonly secretName: string;
}

/** `slipway-agent-token-<first 12 hex of the token's sha256>`: secrets are immutable, a new token is a new secret. */
export function agentSecretName(tokenHash: string): string {
  return `${AGENT_SECRET_FILE}-${tokenHash.slice(0, 12)}`;
}

export function agentServiceSpec(input: AgentServiceInput): EngineServiceSpec {
  return {
    Name: AGENT_SERVICE,
    Labels: { [AGENT_LABEL]: input.cluster, 'io.slipway.kind': 'agent' },
    TaskTemplate: {
      ContainerSpec: {
        Image: input.image,
        Labels: { 'io.slipway.kind': 'agent' },
        Env: [
          `SLIPWAY_AGENT_CLUSTER=${input.cluster}`,
          `SLIPWAY_AGENT_ROLE=${input.role}`,
          `SLIPWAY_AGENT_PORT=${input.port}`,
          `SLIPWAY_AGENT_POLL_SECONDS=${input.pollSeconds}`,
          `SLIPWAY_AGENT_TOKEN_FILE=/run/secrets/${AGENT_SECRET_FILE}`,
          'DOCKER_HOST=unix:///var/run/docker.sock',
        ],
        Mounts: [{ Type: 'bind', Source: input.socketPath, Target: '/var/run/docker.sock' }],
        Secrets: [{ File: { Name: AGENT_SECRET_FILE, UID: '0', GID: '0', Mode: 0o400 }, SecretID: input.secretId, SecretName: input.secretName }],
      },
      Placement: { Constraints: [`node.id == ${input.nodeId}`] },
      // Host network: the registry next to the engine reaches the agent on 127.0.0.1, and the agent reaches the
      // registry and the engine the way the node does.
      Networks: [{ Target: 'host' }],
      RestartPolicy: { Condition: 'any', Delay: 1_000_000_000, MaxAttempts: 0 },
    },
    Mode: { Replicated: { Replicas: 1 } },
    UpdateConfig: { Parallelism: 1, Order: 'stop-first', FailureAction: 'pause', Monitor: 2_000_000_000 },
  } as unknown as EngineServiceSpec;
}

/** Reads the agent's settings back from its service's env (status, reinstall with the same options). */
export function agentSettingsFromEnv(env: readonly string[]): Partial<AgentSettings> {
  const get = (k: string) => env.find((e) => e.startsWith(`${k}=`))?.slice(k.length + 1);
  const port = Number(get('SLIPWAY_AGENT_PORT'));
  const poll = Number(get('SLIPWAY_AGENT_POLL_SECONDS'));
  return {
    ...(get('SLIPWAY_AGENT_CLUSTER') ? { cluster: get('SLIPWAY_AGENT_CLUSTER')! } : {}),
    ...(get('SLIPWAY_AGENT_ROLE') ? { role: get('SLIPWAY_AGENT_ROLE') as ClusterRole } : {}),
    ...(port > 0 ? { port } : {}),
    ...(poll > 0 ? { pollSeconds: poll } : {}),
  };
}

/** The block to put in the distribution registry's config.yml (YAML), posting pushes to the agent. */
export function notificationsBlock(url: string, token: string): string {
  return [
    'notifications:',
    '  endpoints:',
    '    - name: slipway-agent',
    `      url: ${url}`,
    '      headers:',
    `        Authorization: [Bearer ${token}]`,
    '      timeout: 5s',
    '      threshold: 3',
    '      backoff: 2s',
    '      ignore:',
    '        mediatypes: [application/octet-stream]',
    '        actions: [pull]',
    '',
  ].join('\n');
}

export function agentUrl(port: number, host = '127.0.0.1'): string {
  return `http://${host}:${port}${AGENT_EVENTS_PATH}`;
}
