/**
 * Cutting a release in a Keep a Changelog file: the `[Unreleased]` entries move under `## [x.y.z] - YYYY-MM-DD`, an
 * empty `## [Unreleased]` stays on top. When Unreleased is empty, the new section lists the commit subjects since the
 * last version tag. Compare links at the bottom (`[Unreleased]: …/compare/a...HEAD`) follow.
 */
export const CHANGELOG_FILE = 'CHANGELOG.md';

export interface ChangelogCut {
  readonly text: string;
  /** The entries came from commit subjects (Unreleased was empty). */
  readonly fromCommits: boolean;
}

const UNRELEASED = /^##[ \t]+\[?Unreleased\]?[ \t]*$/im;

/** `YYYY-MM-DD` of a date, in UTC. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function cutChangelog(text: string, version: string, tag: string, date: string, subjects: readonly string[]): ChangelogCut {
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  const heading = `## [${version}] - ${date}`;
  let at = lines.findIndex((l) => UNRELEASED.test(l));
  let body: string[] = [];
  let end: number;
  if (at >= 0) {
    end = lines.findIndex((l, i) => i > at && /^##[ \t]/.test(l));
    if (end < 0) end = linkBlockStart(lines);
    body = lines.slice(at + 1, end);
  } else {
    // No Unreleased section: the new one goes before the first release section (or the links, or the end).
    at = lines.findIndex((l) => /^##[ \t]/.test(l));
    if (at < 0) at = linkBlockStart(lines);
    end = at;
    lines.splice(at, 0, '## [Unreleased]');
    end++;
  }
  const entries = trimBlank(body);
  const fromCommits = entries.length === 0;
  const section = fromCommits ? ['### Changed', ...(subjects.length > 0 ? subjects.map((s) => `- ${s}`) : ['- No changes recorded'])] : entries;
  const replacement = [lines[at]!, '', heading, '', ...section, ''];
  lines.splice(at, end - at, ...replacement);
  return { text: withLinks(lines, version, tag).join(nl), fromCommits };
}

function trimBlank(lines: readonly string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a]!.trim() === '') a++;
  while (b > a && lines[b - 1]!.trim() === '') b--;
  return lines.slice(a, b);
}

/** Where the trailing `[x]: url` link definitions begin (the end when there are none). */
function linkBlockStart(lines: readonly string[]): number {
  let i = lines.length;
  while (i > 0 && (lines[i - 1]!.trim() === '' || /^\[[^\]]+\]:\s*\S+/.test(lines[i - 1]!))) i--;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  return i;
}

/** `[Unreleased]: <base>/compare/<from>...HEAD` becomes `…/compare/<tag>...HEAD` plus `[version]: …/compare/<from>...<tag>`. */
function withLinks(lines: string[], version: string, tag: string): string[] {
  const i = lines.findIndex((l) => /^\[Unreleased\]:\s*\S+\/compare\/\S+\.\.\.HEAD\s*$/i.test(l));
  if (i < 0) return lines;
  const m = /^\[Unreleased\]:\s*(\S+)\/compare\/(\S+)\.\.\.HEAD\s*$/i.exec(lines[i]!)!;
  const [, base, from] = m;
  lines.splice(i, 1, `[Unreleased]: ${base}/compare/${tag}...HEAD`, `[${version}]: ${base}/compare/${from}...${tag}`);
  return lines;
}
