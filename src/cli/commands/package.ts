import { parseArgs } from 'node:util';
import { packageWorkspace } from '../../app/build';
import { buildPorts } from '../composition';
import { formatSize } from '../../core/build/packageRun';
import { SlipwayError } from '../../core/errors';
import { emit, type CliContext } from '../context';
import { usageError } from '../parse';
import { printedRunEvents } from '../runPrinter';

const HELP = `Usage: slipway package [--version V] [--json]

Builds the service image from the workspace's Dockerfile (slipway.yml: package) and tags it NAME:VERSION.
VERSION is the v* tag on HEAD without the "v" (v1.2.3 → 1.2.3), else "develop"; --version overrides it.
Prints the image id and size.
`;

export async function run(args: string[], ctx: CliContext): Promise<number> {
  const { values } = usageError(() =>
    parseArgs({ args, options: { help: { type: 'boolean', short: 'h' }, version: { type: 'string' } }, strict: true }),
  );
  if (values.help) {
    ctx.out(HELP);
    return 0;
  }
  // `--version ""` (an unset variable in CI) must not quietly package "develop".
  if (values.version !== undefined && values.version.trim() === '') {
    throw new SlipwayError('usage', '--version is empty', { hint: 'Leave --version out to use the v* tag on HEAD (else develop), or give a tag like 1.2.0' });
  }
  const result = await packageWorkspace(await buildPorts(ctx), {
    workspaceDir: ctx.cwd,
    events: printedRunEvents(ctx),
    signal: ctx.signal,
    ...(values.version !== undefined ? { version: values.version } : {}),
  });
  emit(ctx, result, () => (result.imageId ? `${result.image}  ${result.imageId}  ${formatSize(result.sizeBytes ?? 0)}` : ''));
  return result.verdict === 'passed' ? 0 : result.verdict === 'cancelled' ? 130 : 1;
}
