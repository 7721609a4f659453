// Where the rig's registry posts push events (scripts/rig/agent-webhook.sh writes it): the token file the agent
// must be installed with and the port it must listen on. A rig without it is an error, never a skip.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnvFile, RIG_ENV_FILE, RIG_MISSING } from './rig';

export interface RigAgentWebhook {
  readonly tokenFile: string;
  readonly token: string;
  readonly port: number;
  readonly url: string;
}

export function rigAgentWebhook(env: NodeJS.ProcessEnv = process.env): RigAgentWebhook {
  let stateDir = env.SLIPWAY_RIG_STATE_DIR;
  try {
    stateDir ||= parseEnvFile(readFileSync(RIG_ENV_FILE, 'utf8')).SLIPWAY_RIG_STATE_DIR;
  } catch {
    // reported below
  }
  const file = join(stateDir ?? '/var/lib/slipway-rig', 'agent-webhook.env');
  let vars: Record<string, string>;
  try {
    vars = parseEnvFile(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${RIG_MISSING} (no ${file}: the registry's notifications to the agent are not configured; ${(e as Error).message})`);
  }
  const tokenFile = vars.SLIPWAY_RIG_AGENT_TOKEN_FILE!;
  return { tokenFile, token: readFileSync(tokenFile, 'utf8').trim(), port: Number(vars.SLIPWAY_RIG_AGENT_PORT), url: vars.SLIPWAY_RIG_AGENT_URL! };
}
