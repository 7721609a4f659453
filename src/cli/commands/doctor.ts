import { parseArgs } from 'node:util';
import { doctorReport, formatDoctorReport } from '../../core/doctor';
import { doctorChecks } from '../composition';
import { emit, type CliContext } from '../context';
import { usageError } from '../parse';

export async function run(args: string[], ctx: CliContext): Promise<number> {
  const { values } = usageError(() => parseArgs({ args, options: { help: { type: 'boolean', short: 'h' } }, strict: true }));
  if (values.help) {
    ctx.out('Usage: slipway doctor [--json]\n\nChecks git, git-flow config, the Docker engine (version, API, swarm), the compose CLI (warns on v1),\nslipway.yml and the files it names, every configured cluster (reachable, swarm manager, services running as\nspecified) and every registry. Exit code 1 when a required check fails; "ready" only when none does.\n');
    return 0;
  }
  const report = doctorReport(await doctorChecks(ctx.cwd));
  emit(ctx, report, () => formatDoctorReport(report));
  return report.ok ? 0 : 1;
}
