import { COMMANDS } from './commandTable';

export function usageText(): string {
  return [
    'Usage: slipway [-C DIR] [--json] <command> [args]',
    '',
    'Slipway: git-flow, containerized builds and tests, and Swarm deploys.',
    '',
    'Commands:',
    ...COMMANDS.flatMap((c) => [`  ${c.usage}`, `      ${c.summary}`]),
    '',
    'Global options:',
    '  -C DIR       run as if started in DIR',
    '  --json       machine-readable output',
    '  -h, --help   show this help (or `slipway <command> --help`)',
    '  -V, --version',
    '',
    'Exit codes: 0 success, 1 failed, 2 usage error, 3 stopped for you (e.g. merge conflict: --continue or --abort).',
    '',
  ].join('\n');
}
