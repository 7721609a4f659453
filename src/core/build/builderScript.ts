import type { BuildStep } from '../config/model';

/**
 * All build steps run in ONE builder container (one start-up, like a hand-written `docker run … sh -c`), so the
 * overhead over a plain `docker run` stays small. A POSIX-sh wrapper prints a marker line around each step;
 * the run turns markers into stage events and strips them from the log.
 */
export function stepMarker(nonce: string): string {
  return `@@slipway-step-${nonce}@@`;
}

/** Quotes one argument for POSIX sh. */
export function shQuote(arg: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function builderCommand(steps: readonly BuildStep[], nonce: string): string[] {
  const marker = stepMarker(nonce);
  const lines = ['rc=0'];
  steps.forEach((step, i) => {
    lines.push(`echo "${marker} start ${i}"`);
    // Each step in a subshell so a step's `cd`/`exit` cannot leak into the next one.
    lines.push(`( ${step.command.map(shQuote).join(' ')} ) </dev/null`);
    lines.push('rc=$?');
    lines.push(`echo "${marker} end ${i} $rc"`);
    lines.push('[ "$rc" -eq 0 ] || exit "$rc"');
  });
  lines.push('exit 0');
  return ['sh', '-c', lines.join('\n')];
}

export type MarkerLine = { readonly kind: 'start'; readonly step: number } | { readonly kind: 'end'; readonly step: number; readonly exitCode: number };

/** Parses a marker line, or `undefined` for an ordinary output line. */
export function parseMarker(line: string, nonce: string): MarkerLine | undefined {
  const marker = stepMarker(nonce);
  if (!line.startsWith(marker)) return undefined;
  const m = /^ (start|end) (\d+)(?: (\d+))?\s*$/.exec(line.slice(marker.length));
  if (!m) return undefined;
  if (m[1] === 'start') return { kind: 'start', step: Number(m[2]) };
  return { kind: 'end', step: Number(m[2]), exitCode: Number(m[3] ?? 1) };
}

/** The container user: an explicit "uid:gid", else the host user's uid:gid so artifacts are owned by the user. */
export function builderUser(configured: string | undefined, host: { uid: number; gid: number } | undefined): string | undefined {
  if (configured === 'root') return '0:0';
  if (configured !== undefined && configured !== '' && configured !== 'host') return configured;
  return host ? `${host.uid}:${host.gid}` : undefined;
}
