/** Go's unicode.IsLetter: categories Lu, Ll, Lt, Lm, Lo (the Unicode version of this JS engine). */
export function isGoLetter(r: string): boolean {
  return /^\p{L}$/u.test(r);
}

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isGoPrint(r: string): boolean {
  return r === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(r);
}

const goSpaces = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000]);

/** Go's unicode.IsSpace (Latin-1 spaces plus the White_Space property; unlike JS `\s`, not U+FEFF). */
export function isGoSpace(r: string): boolean {
  const c = r.codePointAt(0)!;
  return goSpaces.has(c) || (c >= 0x2000 && c <= 0x200a);
}

/** True when the string holds an unpaired UTF-16 surrogate, i.e. it is not valid UTF-8 once encoded. */
export function hasLoneSurrogate(s: string): boolean {
  return /\p{Cs}/u.test(s);
}

const simpleEscapes: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
};

function quoteWith(s: string, quote: string): string {
  let out = quote;
  for (const r of s) {
    if (r === quote) {
      out += '\\' + r;
      continue;
    }
    const escaped = simpleEscapes[r];
    if (escaped !== undefined) {
      out += escaped;
      continue;
    }
    if (isGoPrint(r) && !/\p{Cs}/u.test(r)) {
      out += r;
      continue;
    }
    const c = r.codePointAt(0)!;
    if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c < 0x10000) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += '\\U' + c.toString(16).padStart(8, '0');
  }
  return out + quote;
}

/** Go's `%q` for a string (strconv.Quote): double-quoted, never containing a raw newline. */
export function goQuote(s: string): string {
  return quoteWith(s, '"');
}

/** Go's `%q` for a rune (strconv.QuoteRune): `'x'`. */
export function goQuoteRune(r: string): string {
  return quoteWith(r, "'");
}

/** Byte-wise comparison of the UTF-8 encodings, which is how Go orders strings. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Go's path.Clean: the shortest equivalent slash path (`""` → `"."`). */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}
