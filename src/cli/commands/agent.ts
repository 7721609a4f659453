import { parseArgs } from 'node:util';
import { agentStatus, installAgent, removeAgent } from '../../app/agent/install';
import { approvePending, dismissPending, listPending } from '../../app/agent/pending';
import { stackSourceFor } from '../../app/stack/source';
import { AGENT_DEFAULT_POLL_SECONDS, AGENT_DEFAULT_PORT, agentSettingsFromEnv } from '../../core/agent/agentService';
import { describePending } from '../../core/agent/pending';
import type { ClusterRole } from '../../core/config/model';
import { SlipwayError } from '../../core/errors';
import { findCluster } from '../../core/swarm/clusters';
import type { ClusterTarget } from '../../core/swarm/model';
import { agent, stacks } from '../composition';
import { emit, type CliContext } from '../context';
import { usageError } from '../parse';
import { hintLines } from '../remedies';
import { clusterTargets, releaseAuthor, requireValue, timeoutOf } from '../swarm/shared';

const USAGE = `Usage: slipway agent install --cluster NAME [--base-image IMAGE] [--token-file FILE] [--port N] [--poll SECONDS] [--url URL] [--yes]
       slipway agent status --cluster NAME [--lines N] [--json]
       slipway agent remove --cluster NAME [--yes]
       slipway agent pending --cluster NAME [--stack NAME] [--json]
       slipway agent approve --cluster NAME [--stack NAME] [--id ID] [--yes]
       slipway agent dismiss --cluster NAME [--stack NAME] [--id ID]

Push to deploy. \`install\` runs Slipway's agent as a Swarm service (slipway-agent) beside the cluster's manager: its
image is built on that engine from this CLI and a node 20 base image already there (nothing is pulled), its bearer
token is a Docker secret. It prints the \`notifications:\` block for the registry's config.yml: the registry then
posts every push to the agent, and the agent deploys the pushed digest of each stack whose slipway.yml says
  deploy: { onPush: { tag: develop, clusters: [prod-like] } }
as a release (trigger "push <repo>:<tag> by <actor>"). A production cluster in delivery mode records a pending
promotion instead: \`pending\` lists them, \`approve\` deploys exactly that digest (--yes names the production
cluster), \`dismiss\` drops it. The agent also polls the registry (--poll, default ${AGENT_DEFAULT_POLL_SECONDS} s) for pushes it missed.
  --base-image   node image on the engine to build from (default: $SLIPWAY_AGENT_BASE_IMAGE, else node:20-slim)
  --token-file   read the token from FILE (default: a new random token)
  --port         port the agent listens on, on the manager's network (default ${AGENT_DEFAULT_PORT})
  --url          the agent's URL as the registry reaches it (default http://127.0.0.1:PORT/events)
\`status\` shows the service, its settings and the agent's last log lines (what it did and why).
`;

const OPTIONS = {
  cluster: { type: 'string', short: 'c' },
  'base-image': { type: 'string' },
  'token-file': { type: 'string' },
  port: { type: 'string' },
  poll: { type: 'string' },
  url: { type: 'string' },
  lines: { type: 'string' },
  stack: { type: 'string' },
  id: { type: 'string' },
  timeout: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  help: { type: 'boolean', short: 'h' },
} as const;

function positiveInt(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > 65535 * 100) throw new SlipwayError('usage', `${option} needs a positive whole number (got ${value})`);
  return n;
}

async function targetNamed(ctx: CliContext, name: string | undefined): Promise<ClusterTarget> {
  return findCluster(await clusterTargets(ctx), requireValue(name, '--cluster NAME'));
}

/** --stack, else slipway.yml's stack. */
async function stackName(ctx: CliContext, cluster: ClusterTarget, given: string | undefined): Promise<string> {
  if (given) return given;
  return stackSourceFor(await stacks.config(ctx), cluster).stack;
}

export async function run(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = usageError(() => parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true }));
  const [sub, ...rest] = positionals;
  if (values.help || sub === undefined) {
    ctx.out(USAGE);
    return values.help ? 0 : 2;
  }
  if (rest.length > 0) throw new SlipwayError('usage', `Unexpected argument "${rest[0]}"`);
  switch (sub) {
    case 'install': {
      const cluster = await targetNamed(ctx, values.cluster);
      const port = positiveInt(values.port, '--port', AGENT_DEFAULT_PORT);
      if (port > 65535) throw new SlipwayError('usage', `--port must be at most 65535 (got ${port})`);
      const result = await installAgent(await agent.host(ctx, cluster), {
        baseImage: values['base-image'] ?? ctx.env.SLIPWAY_AGENT_BASE_IMAGE ?? 'node:20-slim',
        token: await agent.token(values['token-file']),
        port,
        pollSeconds: positiveInt(values.poll, '--poll', AGENT_DEFAULT_POLL_SECONDS),
        ...(values.url ? { url: values.url } : {}),
        ...(values.yes ? { confirmation: { cluster: cluster.name } } : {}),
      }).catch((e: unknown) => {
        if (SlipwayError.is(e, 'confirmationRequired')) throw new SlipwayError('confirmationRequired', e.message, { hint: `Re-run with --yes to install the agent on ${cluster.name}` });
        throw e;
      });
      emit(ctx, result, () =>
        [
          `Agent ${result.action} on ${cluster.name} (node ${result.node}, image ${result.image}, token in secret ${result.secret})`,
          `Add this to the registry's config.yml and restart the registry, so it posts pushes to the agent at ${result.url}:`,
          '',
          result.notifications,
        ].join('\n'),
      );
      return 0;
    }
    case 'status': {
      const cluster = await targetNamed(ctx, values.cluster);
      const status = await agentStatus(await agent.host(ctx, cluster), positiveInt(values.lines, '--lines', 20));
      emit(ctx, status, () =>
        status.installed
          ? [`Agent on ${cluster.name}: ${status.state}`, `  image ${status.image ?? '?'}; port ${status.settings.port ?? '?'}; polls every ${status.settings.pollSeconds ?? '?'} s`, 'Last log lines:', ...status.logs.map((l) => `  ${l}`)].join('\n')
          : `No Slipway agent on ${cluster.name} (slipway agent install --cluster ${cluster.name})`,
      );
      return status.installed && !status.running ? 1 : 0;
    }
    case 'remove': {
      const cluster = await targetNamed(ctx, values.cluster);
      const removed = await removeAgent(await agent.host(ctx, cluster), values.yes ? { cluster: cluster.name } : undefined).catch((e: unknown) => {
        if (SlipwayError.is(e, 'confirmationRequired')) throw new SlipwayError('confirmationRequired', e.message, { hint: `Re-run with --yes to remove the agent from ${cluster.name}` });
        throw e;
      });
      emit(ctx, { removed }, () => (removed ? `Agent removed from ${cluster.name} (service and token secret); remove its notifications endpoint from the registry's config` : `No Slipway agent on ${cluster.name}`));
      return 0;
    }
    case 'pending': {
      const cluster = await targetNamed(ctx, values.cluster);
      const list = await listPending(await agent.pending(ctx, cluster), values.stack);
      emit(ctx, list, () => (list.length === 0 ? `No pending promotions on ${cluster.name}` : list.map((p) => `${p.id}  ${describePending(p)}`).join('\n')));
      return 0;
    }
    case 'approve': {
      const cluster = await targetNamed(ctx, values.cluster);
      const stack = await stackName(ctx, cluster, values.stack);
      const author = await releaseAuthor(ctx);
      const result = await approvePending(await agent.pending(ctx, cluster), stack, {
        ...(values.id ? { id: values.id } : {}),
        ...(values.yes ? { confirmation: { cluster: cluster.name } } : {}),
        who: author.who,
        timeoutMs: timeoutOf(values.timeout) * 1000,
        signal: ctx.signal,
        onEvent: (e) => {
          if (ctx.json) return;
          if (e.kind === 'step') ctx.out(`${e.text}\n`);
          else if (e.kind === 'serviceDone') ctx.out(`  ${e.service}: ${e.outcome} (${e.message})\n`);
        },
      }).catch((e: unknown) => {
        if (SlipwayError.is(e, 'confirmationRequired')) throw new SlipwayError('confirmationRequired', e.message, { hint: `Re-run with --yes to deploy to ${cluster.name}` });
        throw e;
      });
      if (ctx.json) emit(ctx, { outcome: result.outcome, release: result.release, version: result.version, message: result.message }, () => '');
      else if (result.outcome === 'failed') ctx.err([`slipway: ${result.message}`, ...hintLines(undefined, result.remedies)].join('\n') + '\n');
      else ctx.out(`${result.message}\n`);
      return result.outcome === 'failed' ? 1 : 0;
    }
    case 'dismiss': {
      const cluster = await targetNamed(ctx, values.cluster);
      const p = await dismissPending(await agent.pending(ctx, cluster), await stackName(ctx, cluster, values.stack), values.id);
      emit(ctx, p, () => `Dismissed: ${describePending(p)}`);
      return 0;
    }
    case 'run': {
      // The agent image's entrypoint: settings come from the service's env (see core/agent/agentService.ts).
      const env = Object.entries(ctx.env).map(([k, v]) => `${k}=${v ?? ''}`);
      const s = agentSettingsFromEnv(env);
      if (!s.cluster || !s.role || !s.port || !s.pollSeconds) throw new SlipwayError('usage', '`slipway agent run` is the agent service\'s entrypoint: it needs SLIPWAY_AGENT_CLUSTER, _ROLE, _PORT and _POLL_SECONDS');
      await agent.run(ctx, { cluster: s.cluster, role: s.role as ClusterRole, port: s.port, pollSeconds: s.pollSeconds }, requireValue(ctx.env.SLIPWAY_AGENT_TOKEN_FILE, 'SLIPWAY_AGENT_TOKEN_FILE'));
      return 0;
    }
    default:
      throw new SlipwayError('usage', `Unknown agent command "${sub}" (install, status, remove, pending, approve, dismiss)`);
  }
}
