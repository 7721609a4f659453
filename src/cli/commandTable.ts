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
];
