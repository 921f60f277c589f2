import { GoModError } from './errors.js';
import { goQuote } from './go-strings.js';
import { build, canonical, isValidSemver, major, prerelease } from './semver.js';

/*
 * Pseudo-versions (x/mod module/pseudo.go, spec §4.1):
 *   (1) vX.0.0-yyyymmddhhmmss-abcdefabcdef          no base version
 *   (2) vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdefabcdef    base vX.Y.Z
 *   (4) vX.Y.Z-pre.0.yyyymmddhhmmss-abcdefabcdef    base vX.Y.Z-pre
 * each optionally followed by "+incompatible".
 */

const pseudoVersionRE =
  /^v[0-9]+\.(0\.0-|\d+\.\d+-([^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** The 14-digit UTC timestamp of a pseudo-version (Go layout `20060102150405`). */
export function pseudoVersionTimestampOf(time: Date): string {
  return (
    pad(time.getUTCFullYear(), 4) +
    pad(time.getUTCMonth() + 1, 2) +
    pad(time.getUTCDate(), 2) +
    pad(time.getUTCHours(), 2) +
    pad(time.getUTCMinutes(), 2) +
    pad(time.getUTCSeconds(), 2)
  );
}

function incDecimal(decimal: string): string {
  const digits = [...decimal];
  let i = digits.length - 1;
  for (; i >= 0 && digits[i] === '9'; i--) digits[i] = '0';
  if (i >= 0) digits[i] = String(Number(digits[i]) + 1);
  else digits.unshift('1');
  return digits.join('');
}

function decDecimal(decimal: string): string {
  const digits = [...decimal];
  let i = digits.length - 1;
  for (; i >= 0 && digits[i] === '0'; i--) digits[i] = '9';
  if (i < 0) return '';
  if (i === 0 && digits[i] === '1' && digits.length > 1) digits.shift();
  else digits[i] = String(Number(digits[i]) - 1);
  return digits.join('');
}

/**
 * x/mod module.PseudoVersion: the pseudo-version for revision `rev` at commit `time` (any time
 * zone; UTC is used), based on the tag `older` (`""` for none) and with major `major` (`""` means
 * `v0`) when there is no base. A `+incompatible` on `older` is carried over.
 */
export function pseudoVersion(major: string, older: string, time: Date, rev: string): string {
  const m = major === '' ? 'v0' : major;
  const segment = `${pseudoVersionTimestampOf(time)}-${rev}`;
  const buildSuffix = build(older);
  const base = canonical(older);
  if (base === '') return `${m}.0.0-${segment}`;
  if (prerelease(base) !== '') return `${base}.0.${segment}${buildSuffix}`;
  const i = base.lastIndexOf('.') + 1;
  return `${base.slice(0, i)}${incDecimal(base.slice(i))}-0.${segment}${buildSuffix}`;
}

/** x/mod module.ZeroPseudoVersion: `vX.0.0-00010101000000-000000000000`. */
export function zeroPseudoVersion(major: string): string {
  return `${major === '' ? 'v0' : major}.0.0-00010101000000-000000000000`;
}

/** x/mod module.IsPseudoVersion. */
export function isPseudoVersion(v: string): boolean {
  return (v.split('-').length - 1 >= 2) && isValidSemver(v) && pseudoVersionRE.test(v);
}

/** x/mod module.IsZeroPseudoVersion. */
export function isPseudoVersionZero(v: string): boolean {
  return v === zeroPseudoVersion(major(v));
}

/** True for a form (1) pseudo-version, `vX.0.0-TS-REV`, which has no base version. */
export function isPseudoVersionForm1(v: string): boolean {
  return isPseudoVersion(v) && /^v[0-9]+\.0\.0-\d{14}-/.test(v);
}

interface PseudoParts {
  base: string;
  timestamp: string;
  rev: string;
  build: string;
}

function pseudoError(v: string, reason: string): GoModError {
  return new GoModError(`pseudo-version ${goQuote(v)} invalid: ${reason}`);
}

function parsePseudoVersion(v: string): PseudoParts {
  if (!isPseudoVersion(v)) throw pseudoError(v, 'syntax error');
  const b = build(v);
  let rest = v.slice(0, v.length - b.length);
  const j = rest.lastIndexOf('-');
  const rev = rest.slice(j + 1);
  rest = rest.slice(0, j);
  const i = rest.lastIndexOf('-');
  const dot = rest.lastIndexOf('.');
  if (dot > i) return { base: rest.slice(0, dot), timestamp: rest.slice(dot + 1), rev, build: b };
  return { base: rest.slice(0, i), timestamp: rest.slice(i + 1), rev, build: b };
}

/** The revision (normally the 12-character short hash) of a pseudo-version. */
export function pseudoVersionRev(v: string): string {
  return parsePseudoVersion(v).rev;
}

/** The 14-digit `yyyymmddhhmmss` field of a pseudo-version, unvalidated. */
export function pseudoVersionTimestamp(v: string): string {
  return parsePseudoVersion(v).timestamp;
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** x/mod module.PseudoVersionTime: the commit time (UTC) encoded in a pseudo-version. */
export function pseudoVersionTime(v: string): Date {
  const ts = parsePseudoVersion(v).timestamp;
  const [year, month, day, hour, minute, second] = [0, 4, 6, 8, 10, 12].map((at, k) =>
    Number(ts.slice(at, k === 0 ? 4 : at + 2)),
  ) as [number, number, number, number, number, number];
  if (
    month < 1 || month > 12 || day < 1 || day > daysIn(month, year) ||
    hour > 23 || minute > 59 || second > 59
  ) {
    throw pseudoError(v, `malformed time ${goQuote(ts)}`);
  }
  const time = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  time.setUTCFullYear(year);
  return time;
}

/**
 * x/mod module.PseudoVersionBase: the version the pseudo-version was derived from, `""` for form
 * (1). A build suffix is returned with the base; a form (1) version with a build suffix is an
 * error here (cmd/go strips `+incompatible` before calling it).
 */
export function pseudoVersionBase(v: string): string {
  const { base, build: b } = parsePseudoVersion(v);
  const pre = prerelease(base);
  if (pre === '') {
    if (b !== '') throw pseudoError(v, `lacks base version, but has build metadata ${goQuote(b)}`);
    return '';
  }
  if (pre === '-0') {
    const trimmed = base.slice(0, base.length - pre.length);
    const i = trimmed.lastIndexOf('.');
    const patch = decDecimal(trimmed.slice(i + 1));
    if (patch === '') throw pseudoError(v, `version before ${trimmed} would have negative patch number`);
    return trimmed.slice(0, i + 1) + patch + b;
  }
  return base.slice(0, -'.0'.length) + b;
}
