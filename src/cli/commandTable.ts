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
    name: 'pipeline',
    usage: 'slipway pipeline [--from S] [--to S] [--mode M] [--yes] | runs',
    summary: 'run the nine CD stages in order; list recent runs',
    load: () => require('./commands/pipeline') as CliCommand,
  },
];
