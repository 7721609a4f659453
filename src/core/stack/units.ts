/** Durations, byte sizes and CPU counts as compose files write them, in the units the Engine API takes. */

const DURATION_UNITS: Readonly<Record<string, number>> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration ("1m30s", "500ms", "2h"); a bare number is seconds. Nanoseconds, or undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1e9);
  if (t === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let i = 0;
  while (i < t.length) {
    re.lastIndex = i;
    const m = re.exec(t);
    if (!m) return undefined;
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    i = re.lastIndex;
  }
  return i > 0 ? Math.round(total) : undefined;
}

/** docker's RAMInBytes: "512m", "1.5G", "64k", plain bytes; binary multiples. */
export function parseBytes(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp])?i?b?$/i.exec(value.trim());
  if (!m) return undefined;
  const power = m[2] ? 'kmgtp'.indexOf(m[2].toLowerCase()) + 1 : 0;
  return Math.round(Number(m[1]) * 1024 ** power);
}

/** "0.5" CPUs → 500000000 NanoCPUs. */
export function parseCpus(value: string | number): number | undefined {
  const n = typeof value === 'number' ? value : Number(value.trim());
  return Number.isFinite(n) && n >= 0 ? Math.round(n * 1e9) : undefined;
}
