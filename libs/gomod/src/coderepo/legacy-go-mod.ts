import { goQuote, isGoPrint } from '../go-strings.js';

/** modfile.MustQuote: whether a go.mod token must be written quoted. */
export function mustQuote(s: string): boolean {
  for (const r of s) {
    if (r === ' ' || r === '"' || r === "'" || r === '`') return true;
    if ('()[]{},'.includes(r)) {
      if (s.length > 1) return true;
    } else if (!isGoPrint(r)) {
      return true;
    }
  }
  return s === '' || s.includes('//') || s.includes('/*');
}

/** modfile.AutoQuote: `s`, quoted only when {@link mustQuote} says so. */
export function autoQuote(s: string): string {
  return mustQuote(s) ? goQuote(s) : s;
}

/** cmd/go LegacyGoMod: the `.mod` of a version without a go.mod (spec §5.2), `module <M>\n`. */
export function legacyGoMod(modulePath: string): Buffer {
  return Buffer.from(`module ${autoQuote(modulePath)}\n`, 'utf8');
}
