import type { CliCommand } from './context';

export interface CommandEntry {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  /** Loaded only when the command runs, so start-up stays lean (Docker code is not parsed for `flow`). */
  readonly load: () => Promise<CliCommand>;
}

// Each command module is its own lazily loaded chunk (see esbuild.mjs): the dynamic import keeps it, and the Docker
// code it shares with other commands, out of the entry bundle.
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'doctor',
    usage: 'slipway doctor [--json]',
    summary: 'check git, git-flow, Docker, compose, slipway.yml, every cluster and registry',
    load: () => import('./commands/doctor'),
  },
  {
    name: 'flow',
    usage: 'slipway flow init|<type> start|finish|…',
    summary: 'git-flow (AVH compatible): features, bugfixes, releases, hotfixes, support',
    load: () => import('./commands/flow'),
  },
  {
    name: 'build',
    usage: 'slipway build [--json]',
    summary: 'run the build steps of slipway.yml in the builder container over the workspace',
    load: () => import('./commands/build'),
  },
  {
    name: 'package',
    usage: 'slipway package [--version V] [--json]',
    summary: 'build the service image, tagged NAME:VERSION (v* tag on HEAD, else develop)',
    load: () => import('./commands/package'),
  },
  {
    name: 'test',
    usage: 'slipway test integration [--parallel N] [--json]',
    summary: 'integration tests in isolated compose environments, always torn down',
    load: () => import('./commands/test'),
  },
  {
    name: 'swarm',
    usage: 'slipway swarm clusters|nodes|services|stacks|tasks SERVICE [--cluster NAME] | drain|activate NODE --cluster NAME [--yes]',
    summary: 'clusters, nodes, services (versions across clusters) and tasks',
    load: () => import('./commands/swarm'),
  },
  {
    name: 'deploy',
    usage: 'slipway deploy [VERSION] --cluster NAME [--plan] [--yes] | deploy SERVICE VERSION --cluster NAME',
    summary: "create or update slipway.yml's stack (plan first, converged or failed), or roll one plain service",
    load: () => import('./commands/deploy'),
  },
  {
    name: 'rollback',
    usage: 'slipway rollback [SERVICE] --cluster NAME [--to RELEASE] [--yes]',
    summary: 'the whole stack back to a recorded release (or one plain service to its previous spec)',
    load: () => import('./commands/rollback'),
  },
  {
    name: 'promote',
    usage: 'slipway promote [SERVICE] --from NAME --to NAME [--release N] [--yes]',
    summary: "a stack release's exact digests (or one service's) from one cluster to another",
    load: () => import('./commands/promote'),
  },
  {
    name: 'releases',
    usage: 'slipway releases --cluster NAME [--json]',
    summary: "the stack's release records on a cluster (who, when, version, trigger)",
    load: () => import('./commands/releases'),
  },
  {
    name: 'agent',
    usage: 'slipway agent install|status|remove|pending|approve|dismiss --cluster NAME',
    summary: 'push to deploy: the agent on a cluster deploys registry pushes of the tag a stack follows',
    load: () => import('./commands/agent'),
  },
  {
    name: 'pipeline',
    usage: 'slipway pipeline [--from S] [--to S] [--mode M] [--yes] | runs',
    summary: 'run the nine CD stages in order; list recent runs',
    load: () => import('./commands/pipeline'),
  },
];
