import { parseArgs } from 'node:util';
import { listReleases } from '../../app/stack/releases';
import { SlipwayError } from '../../core/errors';
import { describeRelease } from '../../core/stack/release';
import { emit, type CliContext } from '../context';
import { usageError } from '../parse';
import { requireValue, stackContext } from '../swarm/shared';

const USAGE = `Usage: slipway releases --cluster NAME [--json]

The release records of slipway.yml's stack on a cluster, oldest first: number, version, when, who, trigger, git
commit and what a rollback or promotion went back to. Every deploy, rollback and promotion records one (in the
cluster itself, as a Swarm config), so every user and CI job of that cluster sees the same history; the newest 20
are kept.
`;

export async function run(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = usageError(() => parseArgs({ args, options: { cluster: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true }));
  if (values.help) {
    ctx.out(USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new SlipwayError('usage', `Unexpected argument "${positionals[0]}"`);
  const { deps, source } = await stackContext(ctx, requireValue(values.cluster, '--cluster NAME'));
  const records = await listReleases(deps.cluster, source.stack);
  emit(
    ctx,
    records.map(({ services, networks, ...r }) => ({ ...r, services: services.map((s) => ({ key: s.key, name: s.name, image: s.image })), networks: networks.map((n) => n.Name) })),
    () => (records.length === 0 ? `No releases of ${source.stack} on ${deps.cluster.cluster.name} yet` : records.map(describeRelease).join('\n')),
  );
  return 0;
}
