/** The five kinds of git-flow branches, in the order the view and `list` show them. */
export type FlowType = 'feature' | 'bugfix' | 'release' | 'hotfix' | 'support';

export const FLOW_TYPES: readonly FlowType[] = ['feature', 'bugfix', 'release', 'hotfix', 'support'];

export function isFlowType(value: string): value is FlowType {
  return (FLOW_TYPES as readonly string[]).includes(value);
}

/** Release, hotfix and support branches are named after a version; features and bugfixes after a topic. */
export function namesVersion(type: FlowType): boolean {
  return type === 'release' || type === 'hotfix' || type === 'support';
}

/** Only these can be finished (support branches live on, as in AVH). */
export type FinishableType = Exclude<FlowType, 'support'>;

export function isFinishable(type: FlowType): type is FinishableType {
  return type !== 'support';
}
