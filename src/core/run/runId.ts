/** Short, sortable, unique-enough run id: base36 time + random suffix, safe for docker names and labels. */
export function newRunId(now: number = Date.now(), random: () => number = Math.random): string {
  const rand = Math.floor(random() * 36 ** 4)
    .toString(36)
    .padStart(4, '0');
  return `${now.toString(36)}${rand}`;
}

/** Labels every container, network and volume Slipway creates carries, so teardown and the janitor find them. */
export const LABEL_RUN = 'io.slipway.run';
export const LABEL_WORKSPACE = 'io.slipway.workspace';
export const LABEL_KIND = 'io.slipway.kind';
