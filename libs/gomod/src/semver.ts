/*
 * Semantic versions as the go command reads them (x/mod semver, spec §2): a leading lower-case
 * "v", short forms "v1" and "v1.2" allowed, and numbers compared as decimal strings of any length.
 */

interface Parsed {
  major: string;
  minor: string;
  patch: string;
  /** ".0.0" or ".0" for the short forms, else "". */
  short: string;
  /** "-…" or "". */
  prerelease: string;
  /** "+…" or "". */
  build: string;
}

function parseNumber(v: string): [string, string] | undefined {
  const m = /^[0-9]+/.exec(v);
  if (!m) return undefined;
  const n = m[0];
  if (n[0] === '0' && n.length !== 1) return undefined;
  return [n, v.slice(n.length)];
}

function isIdentChar(c: string): boolean {
  return /^[0-9A-Za-z-]$/.test(c);
}

function isBadNum(v: string): boolean {
  return /^[0-9]+$/.test(v) && v.length > 1 && v[0] === '0';
}

function isNum(v: string): boolean {
  return /^[0-9]*$/.test(v);
}

function parsePrerelease(v: string): [string, string] | undefined {
  if (v === '' || v[0] !== '-') return undefined;
  let i = 1;
  let start = 1;
  while (i < v.length && v[i] !== '+') {
    if (!isIdentChar(v[i]!) && v[i] !== '.') return undefined;
    if (v[i] === '.') {
      if (start === i || isBadNum(v.slice(start, i))) return undefined;
      start = i + 1;
    }
    i++;
  }
  if (start === i || isBadNum(v.slice(start, i))) return undefined;
  return [v.slice(0, i), v.slice(i)];
}

function parseBuild(v: string): [string, string] | undefined {
  if (v === '' || v[0] !== '+') return undefined;
  let i = 1;
  let start = 1;
  while (i < v.length) {
    if (!isIdentChar(v[i]!) && v[i] !== '.') return undefined;
    if (v[i] === '.') {
      if (start === i) return undefined;
      start = i + 1;
    }
    i++;
  }
  if (start === i) return undefined;
  return [v.slice(0, i), v.slice(i)];
}

function parse(v: string): Parsed | undefined {
  if (v === '' || v[0] !== 'v') return undefined;
  const p: Parsed = { major: '', minor: '', patch: '', short: '', prerelease: '', build: '' };
  let r = parseNumber(v.slice(1));
  if (!r) return undefined;
  let rest: string;
  [p.major, rest] = r;
  if (rest === '') return { ...p, minor: '0', patch: '0', short: '.0.0' };
  if (rest[0] !== '.') return undefined;
  r = parseNumber(rest.slice(1));
  if (!r) return undefined;
  [p.minor, rest] = r;
  if (rest === '') return { ...p, patch: '0', short: '.0' };
  if (rest[0] !== '.') return undefined;
  r = parseNumber(rest.slice(1));
  if (!r) return undefined;
  [p.patch, rest] = r;
  if (rest[0] === '-') {
    const pre = parsePrerelease(rest);
    if (!pre) return undefined;
    [p.prerelease, rest] = pre;
  }
  if (rest[0] === '+') {
    const b = parseBuild(rest);
    if (!b) return undefined;
    [p.build, rest] = b;
  }
  return rest === '' ? p : undefined;
}

/** semver.IsValid. */
export function isValidSemver(v: string): boolean {
  return parse(v) !== undefined;
}

/** semver.Canonical: `v1` → `v1.0.0`, build suffix dropped; `""` when invalid. */
export function canonical(v: string): string {
  const p = parse(v);
  if (!p) return '';
  if (p.build !== '') return v.slice(0, v.length - p.build.length);
  return v + p.short;
}

/** semver.Major: `v2.1.0` → `v2`; `""` when invalid. */
export function major(v: string): string {
  const p = parse(v);
  return p ? v.slice(0, 1 + p.major.length) : '';
}

/** semver.MajorMinor: `v2.1.0` → `v2.1`, `v2` → `v2.0`; `""` when invalid. */
export function majorMinor(v: string): string {
  const p = parse(v);
  if (!p) return '';
  const i = 1 + p.major.length;
  const j = i + 1 + p.minor.length;
  if (j <= v.length && v[i] === '.' && v.slice(i + 1, j) === p.minor) return v.slice(0, j);
  return v.slice(0, i) + '.' + p.minor;
}

/** semver.Prerelease: `-pre` (with its dash) or `""`. */
export function prerelease(v: string): string {
  return parse(v)?.prerelease ?? '';
}

/** semver.Build: `+meta` (with its plus) or `""`. */
export function build(v: string): string {
  return parse(v)?.build ?? '';
}

function compareInt(x: string, y: string): -1 | 0 | 1 {
  if (x === y) return 0;
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : 1;
}

function comparePrerelease(x: string, y: string): -1 | 0 | 1 {
  if (x === y) return 0;
  if (x === '') return 1;
  if (y === '') return -1;
  const xs = x.slice(1).split('.');
  const ys = y.slice(1).split('.');
  for (let i = 0; i < xs.length && i < ys.length; i++) {
    const dx = xs[i]!;
    const dy = ys[i]!;
    if (dx === dy) continue;
    const ix = isNum(dx);
    const iy = isNum(dy);
    if (ix !== iy) return ix ? -1 : 1;
    if (ix) return compareInt(dx, dy);
    return dx < dy ? -1 : 1;
  }
  return xs.length < ys.length ? -1 : 1;
}

/**
 * semver.Compare. Build metadata is ignored; an invalid version is equal to every other invalid
 * version and lower than every valid one.
 */
export function compareSemver(a: string, b: string): -1 | 0 | 1 {
  const pa = parse(a);
  const pb = parse(b);
  if (!pa && !pb) return 0;
  if (!pa) return -1;
  if (!pb) return 1;
  return (
    compareInt(pa.major, pb.major) ||
    compareInt(pa.minor, pb.minor) ||
    compareInt(pa.patch, pb.patch) ||
    comparePrerelease(pa.prerelease, pb.prerelease)
  );
}

/** semver.Sort: a sorted copy, by {@link compareSemver} with ties broken by string order. */
export function sortVersions(list: readonly string[]): string[] {
  return [...list].sort((a, b) => compareSemver(a, b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** semver.Max of two versions, after canonicalising both. */
export function maxVersion(a: string, b: string): string {
  const ca = canonical(a);
  const cb = canonical(b);
  return compareSemver(ca, cb) > 0 ? ca : cb;
}

/** x/mod module.CanonicalVersion: {@link canonical}, but a `+incompatible` suffix is kept. */
export function canonicalVersion(v: string): string {
  const cv = canonical(v);
  return build(v) === '+incompatible' ? cv + '+incompatible' : cv;
}

/** True when `v` equals its {@link canonicalVersion} (so never for `""`). */
export function isCanonicalVersion(v: string): boolean {
  return v !== '' && canonicalVersion(v) === v;
}
