import { SlipwayError } from '../core/errors';

/** Runs a `node:util` parseArgs call and turns its errors into usage errors (exit 2). */
export function usageError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new SlipwayError('usage', (e as Error).message);
  }
}
