import { foldKey } from '#gomod';

/** A glob that is not valid `path.Match` syntax (Go's path.ErrBadPattern). */
export class BadPatternError extends Error {
  constructor(pattern: string) {
    super(`syntax error in pattern ${JSON.stringify(pattern)}`);
    this.name = 'BadPatternError';
  }
}

/**
 * Go's `path.Match`: `*` matches any run of non-`/` characters, `?` one non-`/` character,
 * `[...]` a class (`[^...]` negated, `a-z` ranges), `\` escapes. Throws BadPatternError on bad syntax.
 */
export function matchPath(pattern: string, name: string): boolean {
  let rest = pattern;
  pattern: while (rest.length > 0) {
    const { star, chunk, tail } = scanChunk(rest);
    rest = tail;
    if (star && chunk === '') {
      // A trailing * matches the rest of the name unless it has a /.
      return !name.includes('/');
    }
    const here = matchChunk(chunk, name);
    if (here !== null && (here.length === 0 || rest.length > 0)) {
      name = here;
      continue;
    }
    if (star) {
      // Try to match the chunk after skipping i+1 characters; * cannot skip a /.
      for (let i = 0; i < name.length && name[i] !== '/'; i++) {
        const t = matchChunk(chunk, name.slice(i + 1));
        if (t !== null) {
          if (rest.length === 0 && t.length > 0) continue;
          name = t;
          continue pattern;
        }
      }
    }
    // No match: the rest of the pattern must still be valid syntax.
    while (rest.length > 0) {
      const next = scanChunk(rest);
      rest = next.tail;
      matchChunk(next.chunk, '');
    }
    return false;
  }
  return name.length === 0;
}

function scanChunk(pattern: string): { star: boolean; chunk: string; tail: string } {
  let star = false;
  while (pattern.startsWith('*')) {
    pattern = pattern.slice(1);
    star = true;
  }
  let inRange = false;
  let i = 0;
  scan: for (; i < pattern.length; i++) {
    switch (pattern[i]) {
      case '\\':
        if (i + 1 < pattern.length) i++;
        break;
      case '[':
        inRange = true;
        break;
      case ']':
        inRange = false;
        break;
      case '*':
        if (!inRange) break scan;
        break;
    }
  }
  return { star, chunk: pattern.slice(0, i), tail: pattern.slice(i) };
}

/** The rest of `s` after matching `chunk` at its start, or null; throws on bad syntax. */
function matchChunk(chunk: string, s: string): string | null {
  let failed = false;
  const original = chunk;
  while (chunk.length > 0) {
    if (!failed && s.length === 0) failed = true;
    const c = chunk[0];
    if (c === '[') {
      let r = -1;
      if (!failed) {
        r = s.codePointAt(0)!;
        s = s.slice(String.fromCodePoint(r).length);
      }
      chunk = chunk.slice(1);
      let negated = false;
      if (chunk.startsWith('^')) {
        negated = true;
        chunk = chunk.slice(1);
      }
      let match = false;
      let ranges = 0;
      for (;;) {
        if (chunk.startsWith(']') && ranges > 0) {
          chunk = chunk.slice(1);
          break;
        }
        const lo = getEsc(chunk, original);
        chunk = lo.rest;
        let hi = lo.rune;
        if (chunk[0] === '-') {
          const h = getEsc(chunk.slice(1), original);
          hi = h.rune;
          chunk = h.rest;
        }
        if (lo.rune <= r && r <= hi) match = true;
        ranges++;
      }
      if (match === negated) failed = true;
    } else if (c === '?') {
      if (!failed) {
        if (s[0] === '/') failed = true;
        s = s.slice(String.fromCodePoint(s.codePointAt(0)!).length);
      }
      chunk = chunk.slice(1);
    } else {
      if (c === '\\') {
        chunk = chunk.slice(1);
        if (chunk.length === 0) throw new BadPatternError(original);
      }
      if (!failed) {
        if (chunk[0] !== s[0]) failed = true;
        s = s.slice(1);
      }
      chunk = chunk.slice(1);
    }
  }
  return failed ? null : s;
}

function getEsc(chunk: string, pattern: string): { rune: number; rest: string } {
  if (chunk.length === 0 || chunk[0] === '-' || chunk[0] === ']') throw new BadPatternError(pattern);
  if (chunk[0] === '\\') {
    chunk = chunk.slice(1);
    if (chunk.length === 0) throw new BadPatternError(pattern);
  }
  const rune = chunk.codePointAt(0)!;
  const rest = chunk.slice(String.fromCodePoint(rune).length);
  if (rest.length === 0) throw new BadPatternError(pattern);
  return { rune, rest };
}

const HAS_META = /[*?[\\]/;

/**
 * x/mod `module.MatchPrefixPatterns` for one glob, as the go command applies GOPRIVATE and
 * GONOSUMDB: a glob of N path elements matches a module path whose first N elements match it, so
 * `github.com/evil/*` matches `github.com/evil/x` and `github.com/evil/x/v2`, and `*` matches every path.
 * Unlike the go command, case is ignored: git hosts (GitHub, GitLab, Gitea) resolve
 * `github.com/Acme/Widget` to the same repository as `github.com/acme/widget`, so a policy must
 * hold for every spelling.
 */
export function matchesModulePattern(glob: string, modulePath: string): boolean {
  return matchesFoldedPattern(foldKey(glob), foldKey(modulePath));
}

function matchesFoldedPattern(glob: string, modulePath: string): boolean {
  if (glob.endsWith('/')) glob = glob.slice(0, -1);
  if (glob === '') return false;
  // Fast paths for the common shapes, `host/path` and `host/path/*`, without glob characters.
  if (!HAS_META.test(glob)) return modulePath === glob || modulePath.startsWith(`${glob}/`);
  if (glob.endsWith('/*') && !HAS_META.test(glob.slice(0, -2))) return modulePath.startsWith(glob.slice(0, -1));
  let n = glob.split('/').length - 1;
  let prefix = modulePath;
  for (let i = 0; i < modulePath.length; i++) {
    if (modulePath[i] === '/') {
      if (n === 0) {
        prefix = modulePath.slice(0, i);
        break;
      }
      n--;
    }
  }
  if (n > 0) return false;
  try {
    return matchPath(glob, prefix);
  } catch {
    return false;
  }
}

/** True when any of the globs matches (see {@link matchesModulePattern}). */
export function matchesAnyModulePattern(globs: readonly string[], modulePath: string): boolean {
  return globs.some((glob) => matchesModulePattern(glob, modulePath));
}

/** Throws BadPatternError when `glob` is not valid path.Match syntax. */
export function checkModulePattern(glob: string): void {
  if (glob.trim() === '' || /[\s,]/.test(glob)) throw new BadPatternError(glob);
  // Matching the empty name parses every chunk, so it reports any syntax error.
  matchPath(glob, '');
}
