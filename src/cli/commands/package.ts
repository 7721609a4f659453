import { parseArgs } from 'node:util';
import { createBuildAdapters } from '../../adapters/build/index';
import { packageWorkspace } from '../../adapters/build/workflows';
import { formatSize } from '../../core/build/packageRun';
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
  const result = await packageWorkspace(createBuildAdapters(ctx.env), {
    workspaceDir: ctx.cwd,
    events: printedRunEvents(ctx),
    signal: ctx.signal,
    ...(values.version !== undefined ? { version: values.version } : {}),
  });
  emit(ctx, result, () => (result.imageId ? `${result.image}  ${result.imageId}  ${formatSize(result.sizeBytes ?? 0)}` : ''));
  return result.verdict === 'passed' ? 0 : result.verdict === 'cancelled' ? 130 : 1;
}
