import type { CliCommand } from './context';

export interface CommandEntry {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  /** Loaded only when the command runs, so start-up stays lean (Docker code is not parsed for `flow`). */
  readonly load: () => CliCommand;
}

/* eslint-disable @typescript-eslint/no-require-imports */
// Each command module is a separate bundle (see esbuild.mjs); `require` keeps it out of the entry bundle.
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'doctor',
    usage: 'slipway doctor [--json]',
    summary: 'check git, git-flow, the Docker engine and the compose CLI',
    load: () => require('./commands/doctor') as CliCommand,
  },
  {
    name: 'flow',
    usage: 'slipway flow init|<type> start|finish|…',
    summary: 'git-flow (AVH compatible): features, bugfixes, releases, hotfixes, support',
    load: () => require('./commands/flow') as CliCommand,
  },
  {
    name: 'build',
    usage: 'slipway build [--json]',
    summary: 'run the build steps of slipway.yml in the builder container over the workspace',
    load: () => require('./commands/build') as CliCommand,
  },
  {
    name: 'package',
    usage: 'slipway package [--version V] [--json]',
    summary: 'build the service image, tagged NAME:VERSION (v* tag on HEAD, else develop)',
    load: () => require('./commands/package') as CliCommand,
  },
  {
    name: 'test',
    usage: 'slipway test integration [--parallel N] [--json]',
    summary: 'integration tests in isolated compose environments, always torn down',
    load: () => require('./commands/test') as CliCommand,
  },
  {
    name: 'swarm',
    usage: 'slipway swarm clusters|nodes|services|tasks SERVICE [--cluster NAME]',
    summary: 'clusters, nodes, services (versions across clusters) and tasks',
    load: () => require('./commands/swarm') as CliCommand,
  },
  {
    name: 'deploy',
    usage: 'slipway deploy SERVICE VERSION --cluster NAME [--yes]',
    summary: 'rolling update to a version, followed task by task',
    load: () => require('./commands/deploy') as CliCommand,
  },
  {
    name: 'rollback',
    usage: 'slipway rollback SERVICE --cluster NAME',
    summary: "Swarm rollback to the service's previous version",
    load: () => require('./commands/rollback') as CliCommand,
  },
  {
    name: 'promote',
    usage: 'slipway promote SERVICE --from NAME --to NAME [--yes]',
    summary: 'deploy the exact digest running on one cluster to another',
    load: () => require('./commands/promote') as CliCommand,
  },
  {
    name: 'pipeline',
    usage: 'slipway pipeline [--from S] [--to S] [--mode M] [--yes] | runs',
    summary: 'run the nine CD stages in order; list recent runs',
    load: () => require('./commands/pipeline') as CliCommand,
  },
];
