import { parseComposeModel } from '../../core/build/composeModel';
import type { FilesPort } from '../../core/build/ports';
import type { SlipwayConfig } from '../../core/config/model';
import { SlipwayError, toSlipwayError } from '../../core/errors';
import { preflightMessage, preflightPlan, type StageId } from '../../core/pipeline';

export interface PreflightFiles {
  readonly files: FilesPort;
  readonly resolvePath: (dir: string, relative: string) => string;
}

/**
 * Checks everything the selected stages need — slipway.yml sections, clusters, and the compose and stack files with
 * the services they must define — and refuses with every problem at once (a `config` error, exit 1) before the first
 * stage, so nothing is built or deployed by a run that could not finish.
 */
export async function preflight(config: SlipwayConfig, stages: readonly StageId[], workspaceDir: string, io: PreflightFiles): Promise<void> {
  const plan = preflightPlan(config, stages);
  const problems = [...plan.problems];
  for (const need of plan.files) {
    let text: string;
    try {
      text = await io.files.readText(io.resolvePath(workspaceDir, need.file));
    } catch {
      problems.push(`${need.key} names ${need.file}, which cannot be read (missing?)`);
      continue;
    }
    if (need.services.length === 0) continue;
    try {
      const model = parseComposeModel(text, need.file);
      const missing = need.services.filter((s) => !model.services.includes(s));
      if (missing.length > 0) problems.push(`${need.file} (${need.key}) defines no service ${missing.join(', ')}; it has ${model.services.join(', ') || 'none'}`);
    } catch (e) {
      problems.push(`${need.file} (${need.key}): ${toSlipwayError(e).message}`);
    }
  }
  if (problems.length > 0) {
    throw new SlipwayError('config', preflightMessage(problems), { remedies: [{ action: 'openConfig' }], details: { problems } });
  }
}
