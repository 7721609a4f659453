import { PIPELINE_STAGES, type PipelineStageId } from '../config/model';

/**
 * The nine continuous-delivery stages, in the only order that makes sense: each deploy comes before its tests, and
 * every environment comes before the next, more precious one.
 */
// One list serves slipway.yml's `pipeline.stages` and the pipeline itself.
export const STAGE_IDS = PIPELINE_STAGES;

export type StageId = PipelineStageId;

export const STAGE_TITLES: Readonly<Record<StageId, string>> = {
  checkout: 'Checkout',
  'unit-tests': 'Unit tests',
  build: 'Build',
  'deploy-staging': 'Deploy to staging',
  'functional-tests': 'Functional tests',
  'deploy-prod-like': 'Deploy to prod-like',
  'readiness-tests': 'Production-readiness tests',
  'deploy-production': 'Deploy to production',
  'production-tests': 'Production tests',
};

/** The stage that waits for a person's approval in continuous delivery. */
export const APPROVAL_STAGE: StageId = 'deploy-production';

export function isStageId(value: string): value is StageId {
  return (STAGE_IDS as readonly string[]).includes(value);
}

export function stageIndex(id: StageId): number {
  return STAGE_IDS.indexOf(id);
}
