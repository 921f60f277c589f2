import { GoModError } from './errors.js';
import { goQuote } from './go-strings.js';
import { checkPath, filePathElemError } from './module-path.js';

/*
 * Case-escaping for URLs and cache paths (x/mod module, spec §1.6): every upper-case ASCII letter
 * becomes "!" plus its lower-case form, so paths stay distinct on case-insensitive file systems.
 */

function escapeString(s: string): string {
  return s.replace(/[A-Z]/g, (c) => '!' + c.toLowerCase());
}

function unescapeString(escaped: string): string | undefined {
  let out = '';
  let bang = false;
  for (const r of escaped) {
    if (r.codePointAt(0)! >= 0x80) return undefined;
    if (bang) {
      bang = false;
      if (r < 'a' || r > 'z') return undefined;
      out += r.toUpperCase();
      continue;
    }
    if (r === '!') {
      bang = true;
      continue;
    }
    if (r >= 'A' && r <= 'Z') return undefined;
    out += r;
  }
  return bang ? undefined : out;
}

/** x/mod module.EscapePath: `github.com/Azure/x` → `github.com/!azure/x`. Throws for an invalid path. */
export function escapePath(path: string): string {
  checkPath(path);
  return escapeString(path);
}

/** x/mod module.EscapeVersion: `v1.0.0-RC1` → `v1.0.0-!r!c1`. The version must be one valid file-name element without `!`. */
export function escapeVersion(v: string): string {
  if (filePathElemError(v) !== undefined || v.includes('!')) {
    throw new GoModError(`version ${goQuote(v)} invalid: disallowed version string`);
  }
  // Non-ASCII letters pass the file-name check but cannot be escaped; x/mod reports this as an
  // internal inconsistency.
  if (/[^\p{ASCII}]/u.test(v)) throw new GoModError('internal error: inconsistency in EscapePath');
  return escapeString(v);
}

/** x/mod module.UnescapePath: the module path an escaped URL path stands for. */
export function unescapePath(escaped: string): string {
  const path = unescapeString(escaped);
  if (path === undefined) throw new GoModError(`invalid escaped module path ${goQuote(escaped)}`);
  try {
    checkPath(path);
  } catch (err) {
    throw new GoModError(`invalid escaped module path ${goQuote(escaped)}: ${(err as Error).message}`);
  }
  return path;
}

/** x/mod module.UnescapeVersion: the version an escaped URL element stands for. */
export function unescapeVersion(escaped: string): string {
  const v = unescapeString(escaped);
  if (v === undefined) throw new GoModError(`invalid escaped version ${goQuote(escaped)}`);
  const err = filePathElemError(v);
  if (err !== undefined) throw new GoModError(`invalid escaped version ${goQuote(v)}: ${err}`);
  return v;
}
