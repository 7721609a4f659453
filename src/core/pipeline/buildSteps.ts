/**
 * The builder's steps split between two stages: *unit-tests* runs every step up to and including the last step
 * whose name says test (deps, fmt, test), *build* runs the rest (compile). With no test step, unit-tests runs nothing
 * but a note, and build runs all of them.
 */
export function splitBuildSteps<T extends { name: string }>(steps: readonly T[]): { unitTests: T[]; build: T[] } {
  let lastTest = -1;
  steps.forEach((s, i) => {
    if (/test/i.test(s.name)) lastTest = i;
  });
  return { unitTests: steps.slice(0, lastTest + 1), build: steps.slice(lastTest + 1) };
}
