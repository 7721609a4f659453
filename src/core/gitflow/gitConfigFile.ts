/**
 * Reads `gitflow.*` entries from git config file text, so the engine can skip a `git config` process on every
 * command. Conservative: a file that includes others (or anything this parser does not follow) reports `unsupported`,
 * and the caller asks git instead.
 */
export interface GitConfigRead {
  /** Keys as `git config --get-regexp` prints them: section and name lower-cased, subsection as written. */
  readonly entries: Map<string, string>;
  /** The file uses something only git should interpret (includes, worktree config). */
  readonly unsupported: boolean;
}

const SECTION = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]/;

export function readGitConfigText(text: string, wantedSection = 'gitflow'): GitConfigRead {
  const entries = new Map<string, string>();
  // Per-worktree config lives in another file that only git resolves.
  let unsupported = /worktreeconfig\s*=\s*(true|yes|on|1)/i.test(text);
  let section: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trim();
    if (line.length === 0 || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) {
      const m = SECTION.exec(line);
      if (!m) {
        unsupported = true;
        section = undefined;
        continue;
      }
      const name = m[1]!.toLowerCase();
      const sub = m[2];
      if (name === 'include' || name === 'includeif') unsupported = true;
      // [section.sub] (the old spelling of [section "sub"]) is lower-cased as a whole, which `name` already is.
      section = sub !== undefined ? `${name}.${sub.replace(/\\(.)/g, '$1')}` : name;
      line = line.slice(m[0].length).trim();
      if (line.length === 0 || line.startsWith('#') || line.startsWith(';')) continue;
    }
    if (section === undefined) continue;
    // Join continuation lines (a value ending with an unescaped backslash).
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!;
    const kv = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(line);
    if (!kv) {
      unsupported = true;
      continue;
    }
    const top = section.split('.', 1)[0]!;
    if (top !== wantedSection) continue;
    const key = `${section}.${kv[1]!.toLowerCase()}`;
    const value = kv[2] === undefined ? 'true' : unquote(kv[2]);
    if (value === undefined) unsupported = true;
    else entries.set(key, value);
  }
  return { entries, unsupported };
}

/** A config value: quotes removed, escapes applied, trailing comments and whitespace dropped. */
function unquote(raw: string): string | undefined {
  let out = '';
  let quoted = false;
  let pendingSpace = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === '\\') {
      const next = raw[++i];
      const map: Record<string, string> = { n: '\n', t: '\t', b: '\b', '"': '"', '\\': '\\' };
      if (next === undefined || map[next] === undefined) return undefined;
      out += pendingSpace + map[next];
      pendingSpace = '';
    } else if (ch === '"') {
      out += pendingSpace;
      pendingSpace = '';
      quoted = !quoted;
    } else if (!quoted && (ch === '#' || ch === ';')) break;
    else if (!quoted && (ch === ' ' || ch === '\t')) pendingSpace += out.length > 0 ? ch : '';
    else {
      out += pendingSpace + ch;
      pendingSpace = '';
    }
  }
  return quoted ? undefined : out;
}

/**
 * `text` without the section `[section "subsection"]`: what `git config --remove-section` removes, each header of it
 * and every line up to the next header. Unchanged when there is no such section; undefined when git's own result
 * could differ (an unusual header, a subsection needing escapes), and the caller asks git.
 */
export function removeConfigSection(text: string, section: string, subsection: string): string | undefined {
  if (/["\\\n]/.test(subsection)) return undefined;
  const out: string[] = [];
  let removing = false;
  // Lines keep their own line ends, so a removed last section takes only its own lines (git's behaviour).
  for (const line of text.split(/(?<=\n)/)) {
    const t = line.trim();
    if (t.startsWith('[')) {
      const m = SECTION.exec(t);
      // Anything but a bare header (a key on the header's line, the old [a.b] spelling with odd characters): ask git.
      if (!m || !/^\s*([#;].*)?$/.test(t.slice(m[0].length))) return undefined;
      removing = m[2] !== undefined && m[1]!.toLowerCase() === section.toLowerCase() && m[2] === subsection;
      if (removing) continue;
    }
    if (!removing) out.push(line);
  }
  return out.join('');
}
