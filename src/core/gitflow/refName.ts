/**
 * Git's reference-name rules (`git check-ref-format`, plus what `git branch`/`git tag` add), in plain TypeScript so
 * names are refused before anything touches the repository.
 */

/**
 * Why `name` is not a valid ref name, or undefined when it is. `name` is the part after `refs/heads/` or `refs/tags/`
 * (so git's "not the single character @" rule, which is about whole refs, does not apply: `git branch @` works).
 */
export function refNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.startsWith('-')) return 'it cannot start with "-"';
  if (name.startsWith('/') || name.endsWith('/')) return 'it cannot start or end with "/"';
  if (name.includes('//')) return 'it cannot contain consecutive slashes';
  if (name.endsWith('.')) return 'it cannot end with "."';
  if (name.includes('..')) return 'it cannot contain ".."';
  if (name.includes('@{')) return 'it cannot contain "@{"';
  for (const ch of name) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f) return 'it cannot contain control characters';
    if (ch === ' ') return 'it cannot contain spaces';
    if ('~^:?*[\\'.includes(ch)) return `it cannot contain "${ch}"`;
  }
  for (const component of name.split('/')) {
    if (component.startsWith('.')) return `a part cannot start with "." ("${component}")`;
    if (component.endsWith('.lock')) return `a part cannot end with ".lock" ("${component}")`;
  }
  return undefined;
}

/** Why `name` cannot be a branch name: the ref rules plus `git branch`'s own refusal of "HEAD". */
export function branchNameProblem(name: string): string | undefined {
  if (name === 'HEAD') return '"HEAD" is reserved';
  return refNameProblem(name);
}
