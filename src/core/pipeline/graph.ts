import { SlipwayError } from '../errors';
import { STAGE_IDS, isStageId, stageIndex, type StageId } from './stages';

export type PipelineMode = 'delivery' | 'deployment';

/** The part of slipway.yml the stage graph reads (structurally the `pipeline` section of SlipwayConfig). */
export interface PipelineSection {
  readonly mode?: PipelineMode;
  readonly stages?: readonly string[];
}

/**
 * The stages this repository's pipeline has: `pipeline.stages` from slipway.yml (a subset of the nine, kept in their
 * canonical order), else all nine. A stage listed twice, an unknown id or an out-of-order list is a config error:
 * running tests before the deploy they test would pass for the wrong reason.
 */
export function pipelineStages(section: PipelineSection | undefined): StageId[] {
  const listed = section?.stages;
  if (listed === undefined) return [...STAGE_IDS];
  if (listed.length === 0) {
    throw new SlipwayError('config', 'pipeline.stages is empty', { hint: `List some of: ${STAGE_IDS.join(', ')}` });
  }
  const seen = new Set<StageId>();
  let previous = -1;
  for (const [i, raw] of listed.entries()) {
    if (!isStageId(raw)) {
      throw new SlipwayError('config', `pipeline.stages[${i}] "${raw}" is not a stage`, {
        hint: `Use one of: ${STAGE_IDS.join(', ')}`,
        details: { path: `pipeline.stages[${i}]` },
      });
    }
    if (seen.has(raw)) {
      throw new SlipwayError('config', `pipeline.stages lists "${raw}" twice`, { details: { path: `pipeline.stages[${i}]` } });
    }
    if (stageIndex(raw) < previous) {
      throw new SlipwayError('config', `pipeline.stages puts "${raw}" after "${STAGE_IDS[previous]}"`, {
        hint: `Keep the canonical order: ${STAGE_IDS.join(', ')}`,
        details: { path: `pipeline.stages[${i}]` },
      });
    }
    seen.add(raw);
    previous = stageIndex(raw);
  }
  return listed as StageId[];
}

export interface StageSelection {
  /** Every stage of the pipeline, in order. */
  readonly stages: readonly StageId[];
  /** The stages this run executes (a contiguous slice of `stages`). */
  readonly selected: readonly StageId[];
}

/** Validates `--from` / `--to` against the pipeline's stages and returns the slice to run. */
export function selectStages(stages: readonly StageId[], range: { from?: string; to?: string } = {}): StageSelection {
  const position = (flag: string, value: string | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    if (!isStageId(value)) {
      throw new SlipwayError('usage', `${flag} "${value}" is not a stage`, { hint: `Use one of: ${stages.join(', ')}` });
    }
    const i = stages.indexOf(value);
    if (i < 0) {
      throw new SlipwayError('usage', `${flag} "${value}" is not in this pipeline`, {
        hint: `slipway.yml pipeline.stages has: ${stages.join(', ')}`,
      });
    }
    return i;
  };
  const from = position('--from', range.from, 0);
  const to = position('--to', range.to, stages.length - 1);
  if (from > to) {
    throw new SlipwayError('usage', `--from ${stages[from]} comes after --to ${stages[to]}`, {
      hint: 'The stages run in order; swap them',
    });
  }
  return { stages, selected: stages.slice(from, to + 1) };
}

export function resolveMode(section: PipelineSection | undefined, override?: string): PipelineMode {
  const mode = override ?? section?.mode ?? 'delivery';
  if (mode !== 'delivery' && mode !== 'deployment') {
    throw new SlipwayError('usage', `Mode "${mode}" is not delivery or deployment`, {
      hint: 'delivery pauses before production for approval; deployment does not',
    });
  }
  return mode;
}
