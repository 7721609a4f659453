import { parseArgs } from 'node:util';
import { buildWorkspace } from '../../app/build';
import { buildPorts } from '../composition';
import { emit, type CliContext } from '../context';
import { usageError } from '../parse';
import { printedRunEvents } from '../runPrinter';

const HELP = `Usage: slipway build [--json]

Runs the build steps of slipway.yml (build: image, workdir, env, steps) in one builder container with the
workspace bind-mounted, as your uid:gid unless build.user says otherwise. Output streams live with a header per
step. Exit code 0 when every step passed, 1 when one failed, 130 when cancelled (Ctrl-C removes the container).
`;

export async function run(args: string[], ctx: CliContext): Promise<number> {
  const { values } = usageError(() => parseArgs({ args, options: { help: { type: 'boolean', short: 'h' } }, strict: true }));
  if (values.help) {
    ctx.out(HELP);
    return 0;
  }
  const result = await buildWorkspace(await buildPorts(ctx), { workspaceDir: ctx.cwd, events: printedRunEvents(ctx), signal: ctx.signal });
  emit(ctx, result, () => '');
  if (result.verdict === 'failed' && result.message) ctx.err(`slipway: ${result.message}\n`);
  return result.verdict === 'passed' ? 0 : result.verdict === 'cancelled' ? 130 : 1;
}
