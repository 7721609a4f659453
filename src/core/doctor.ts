/** One line of `slipway doctor`: what was checked, whether it answered, and how to fix it when not. */
export interface DoctorCheck {
  readonly name: string;
  readonly ok: boolean;
  /** What was found (a version, a state) or why it failed. */
  readonly detail: string;
  /** What to do when not ok. */
  readonly fix?: string;
  /** Optional checks do not make doctor fail (e.g. git-flow not initialised yet). */
  readonly optional?: boolean;
}

export interface DoctorReport {
  readonly ok: boolean;
  readonly checks: readonly DoctorCheck[];
}

export function doctorReport(checks: readonly DoctorCheck[]): DoctorReport {
  return { ok: checks.every((c) => c.ok || c.optional === true), checks };
}

export function formatDoctorReport(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines = report.checks.map((c) => {
    const mark = c.ok ? 'ok  ' : c.optional ? 'warn' : 'FAIL';
    const head = `${mark}  ${c.name.padEnd(width)}  ${c.detail}`;
    return c.ok || !c.fix ? head : `${head}\n      ${' '.repeat(width)}  fix: ${c.fix}`;
  });
  lines.push(report.ok ? 'Slipway is ready.' : 'Some checks failed; see the fixes above.');
  return lines.join('\n');
}
