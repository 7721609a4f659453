import { SlipwayError } from '../errors';
import type { FlowStep } from './steps';
import type { FinishableType } from './types';

/**
 * A finish that stopped (merge conflict or failed step), saved beside git's own state so it can be continued after
 * the user resolves the conflict, or aborted back to exactly where the user was.
 */
export interface FinishState {
  readonly version: 1;
  /** What stopped: a finish (the default, also for states saved before updates existed) or an update. */
  readonly operation?: 'finish' | 'update';
  readonly type: FinishableType;
  readonly name: string;
  readonly branch: string;
  readonly steps: readonly FlowStep[];
  /** Index of the step that is running or stopped. */
  readonly next: number;
  /** The branch checked out before the finish. */
  readonly originalHead: string;
  /** Every branch the finish may move or delete, with its commit before the finish. */
  readonly originalRefs: Readonly<Record<string, string>>;
  /** Tags the finish creates (absent before), removed on abort. */
  readonly createdTags: readonly string[];
  /** `gitflow.branch.<branch>.base` before the finish, restored on abort. */
  readonly originalBase?: string;
  readonly conflict?: { readonly source: string; readonly target: string; readonly files: readonly string[] };
}

export function serializeFinishState(state: FinishState): string {
  return JSON.stringify(state, null, 2) + '\n';
}

export function parseFinishState(text: string): FinishState {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new SlipwayError('gitflow', 'The saved finish state is not valid JSON', { cause: e, hint: 'Delete .git/slipway/flow-finish.json and finish again' });
  }
  const s = data as Partial<FinishState>;
  if (
    s === null ||
    typeof s !== 'object' ||
    s.version !== 1 ||
    typeof s.branch !== 'string' ||
    typeof s.name !== 'string' ||
    !Array.isArray(s.steps) ||
    typeof s.next !== 'number' ||
    typeof s.originalHead !== 'string' ||
    typeof s.originalRefs !== 'object'
  ) {
    throw new SlipwayError('gitflow', 'The saved finish state has an unknown format', { hint: 'Delete .git/slipway/flow-finish.json and finish again' });
  }
  return s as FinishState;
}
