/**
 * Variable substitution as `docker stack deploy` does it in stack files: `$VAR`, `${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, `${VAR:?message}`, `${VAR?message}`, `${VAR:+alt}`, `${VAR+alt}`, and `$$` for a literal `$`.
 * A missing variable without default is the empty string (the docker CLI warns; Slipway reports it as unset so
 * the caller can say so). Pure: the variables come in as a map.
 */
export type Variables = Readonly<Record<string, string | undefined>>;

export class InterpolationError extends Error {}

export interface Interpolated {
  readonly value: string;
  /** Variables the text used that had no value and no default. */
  readonly unset: readonly string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

export function interpolate(text: string, vars: Variables): Interpolated {
  if (!text.includes('$')) return { value: text, unset: [] };
  let out = '';
  const unset: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const end = closingBrace(text, i + 2);
      if (end < 0) throw new InterpolationError(`unterminated variable in "${text}"`);
      out += substitute(text.slice(i + 2, end), vars, unset, text);
      i = end + 1;
      continue;
    }
    const m = NAME.exec(text.slice(i + 1));
    if (!m) throw new InterpolationError(`invalid "$" in "${text}" (write $$ for a literal $)`);
    const v = vars[m[0]];
    if (v === undefined) unset.push(m[0]);
    out += v ?? '';
    i += 1 + m[0].length;
  }
  return { value: out, unset };
}

/** The `}` closing a `${`, allowing nested `${…}` in defaults. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function substitute(inner: string, vars: Variables, unset: string[], whole: string): string {
  const m = NAME.exec(inner);
  if (!m) throw new InterpolationError(`invalid variable name in "${whole}"`);
  const name = m[0];
  const rest = inner.slice(name.length);
  const value = vars[name];
  if (rest === '') {
    if (value === undefined) unset.push(name);
    return value ?? '';
  }
  const op = /^(:-|-|:\?|\?|:\+|\+)/.exec(rest)?.[0];
  if (!op) throw new InterpolationError(`invalid variable expression "\${${inner}}" in "${whole}"`);
  const arg = (): string => {
    const r = interpolate(rest.slice(op.length), vars);
    unset.push(...r.unset);
    return r.value;
  };
  const emptyCounts = op.startsWith(':');
  const missing = value === undefined || (emptyCounts && value === '');
  switch (op) {
    case ':-':
    case '-':
      return missing ? arg() : value!;
    case ':?':
    case '?':
      if (missing) throw new InterpolationError(`required variable ${name} is ${value === undefined ? 'unset' : 'empty'}${rest.length > op.length ? `: ${arg()}` : ''}`);
      return value!;
    default:
      return missing ? '' : arg();
  }
}
