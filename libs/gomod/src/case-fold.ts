/*
 * Go's strings.EqualFold uses Unicode simple case folding (unicode.SimpleFold orbits). JS exposes
 * no fold table, so this approximates it: every code point is joined with its single-code-point
 * toLowerCase()/toUpperCase() results, and the closure of those links is one fold class. Mappings
 * that produce several code points ('ß' → 'SS', 'İ' → 'i̇') are ignored, as simple folding does.
 * Known differences: U+0131 'ı' upper-cases to 'I' in JS but has only a Turkic (T) fold, so it is
 * left out by hand; the tables follow this engine's Unicode version, which may be newer than the
 * Go release's (Go 1.21+ uses Unicode 15.0).
 */

const turkicOnly = new Set([0x131]);

let classes: Map<number, number> | undefined;

function foldClasses(): Map<number, number> {
  if (classes) return classes;
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    return root;
  };
  const union = (a: number, b: number): void => {
    for (const x of [a, b]) if (!parent.has(x)) parent.set(x, x);
    const ra = find(a);
    const rb = find(b);
    if (ra < rb) parent.set(rb, ra);
    else if (rb < ra) parent.set(ra, rb);
  };
  // No cased code point lies above plane 1.
  for (let c = 0x41; c <= 0x1ffff; c++) {
    if ((c >= 0xd800 && c <= 0xdfff) || turkicOnly.has(c)) continue;
    const s = String.fromCodePoint(c);
    for (const mapped of [s.toLowerCase(), s.toUpperCase()]) {
      if (mapped === s) continue;
      const cps = [...mapped];
      if (cps.length !== 1) continue;
      const m = cps[0]!.codePointAt(0)!;
      if (turkicOnly.has(m)) continue;
      union(c, m);
    }
  }
  classes = new Map();
  for (const c of parent.keys()) {
    let rep = find(c);
    if (rep >= 0x41 && rep <= 0x5a) rep += 0x20;
    if (rep !== c) classes.set(c, rep);
  }
  return classes;
}

/**
 * A key with `foldKey(a) === foldKey(b)` exactly when Go's `strings.EqualFold(a, b)` holds (within
 * the approximation above). ASCII letters fold to lower case; other code points to a fixed member
 * of their fold class.
 */
export function foldKey(s: string): string {
  if (!/[A-Z]|[^\p{ASCII}]/u.test(s)) return s;
  const table = foldClasses();
  let out = '';
  for (const r of s) {
    const rep = table.get(r.codePointAt(0)!);
    out += rep === undefined ? r : String.fromCodePoint(rep);
  }
  return out;
}

/** Go's `strings.EqualFold`: equal under simple Unicode case folding. */
export function equalFold(a: string, b: string): boolean {
  return a === b || foldKey(a) === foldKey(b);
}
