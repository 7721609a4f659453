import { parseArgs } from 'node:util';
import { testWorkspace } from '../../app/build';
import { buildPorts } from '../composition';
import { environmentMessage, environmentStage, parallelCount } from '../../core/build/integrationRun';
import { SlipwayError } from '../../core/errors';
import { formatDuration } from '../../core/run/format';
import { emit, type CliContext } from '../context';
import { usageError } from '../parse';
import { printedRunEvents } from '../runPrinter';

const HELP = `Usage: slipway test integration [--parallel N] [--image IMAGE] [--json]

Brings up the compose environment of slipway.yml (integration: compose, test) under a unique project name,
waits until the app is ready, runs the test service and takes its exit code as the verdict, then always tears
the environment down (down -v). --parallel N runs N isolated environments at once (own project, network and
host ports). The app image is handed to compose as SLIPWAY_IMAGE (default: the image \`slipway package\` tags).
`;

export async function run(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = usageError(() =>
    parseArgs({
      args,
      options: { help: { type: 'boolean', short: 'h' }, parallel: { type: 'string', short: 'p' }, image: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (values.help) {
    ctx.out(HELP);
    return 0;
  }
  if (positionals[0] !== 'integration' || positionals.length > 1) {
    throw new SlipwayError('usage', positionals.length === 0 ? 'Missing test kind' : `Unknown test kind "${positionals.join(' ')}"`, {
      hint: 'Use `slipway test integration [--parallel N]`',
    });
  }
  let parallel: number | undefined;
  if (values.parallel !== undefined) {
    parallel = Number(values.parallel);
    if (!/^\d+$/.test(values.parallel)) throw new SlipwayError('usage', `--parallel needs a whole number, not "${values.parallel}"`);
    parallelCount(parallel, 1); // range check before slipway.yml is read: a usage error stays exit 2
  }
  const result = await testWorkspace(await buildPorts(ctx), {
    workspaceDir: ctx.cwd,
    events: printedRunEvents(ctx, { prefixLogs: (parallel ?? 1) > 1 }),
    signal: ctx.signal,
    ...(parallel !== undefined ? { parallel } : {}),
    ...(values.image !== undefined ? { image: values.image } : {}),
  });
  emit(ctx, result, () =>
    result.environments
      .map((e) => {
        const name = environmentStage(e.index, result.environments.length);
        const why = environmentMessage(e);
        return `${e.verdict === 'passed' ? 'PASS' : e.verdict === 'cancelled' ? 'CANCELLED' : 'FAIL'}  ${name} (${e.testService}, ${formatDuration(e.durationMs)})${why ? `: ${why}` : ''}`;
      })
      .join('\n'),
  );
  if (result.verdict === 'failed') {
    // One `slipway:` line on stderr like every failing command; the same cause in N environments is said once.
    const failed = result.environments.filter((e) => e.verdict === 'failed');
    const reasons = [...new Set(failed.map((e) => environmentMessage(e) ?? 'failed'))];
    const where = result.environments.length > 1 ? ` in ${failed.length} of ${result.environments.length} environments` : '';
    ctx.err(`slipway: Integration tests failed${where}${reasons.length === 1 ? `: ${reasons[0]}` : ''}\n`);
  }
  for (const hint of new Set(result.environments.flatMap((e) => (e.error?.hint ? [e.error.hint] : [])))) ctx.err(`hint: ${hint}\n`);
  return result.exitCode;
}
