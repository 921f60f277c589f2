import { foldKey } from './case-fold.js';
import { GoModError } from './errors.js';
import { goQuote, goQuoteRune, hasLoneSurrogate, isGoLetter } from './go-strings.js';
import { build, isValidSemver, major } from './semver.js';

type PathKind = 'module' | 'import' | 'file';

// Reserved Windows device names, compared with strings.EqualFold. COM0 and LPT0 were added to
// x/mod in 2024 and reverted, so they stay allowed.
const badWindowsNames = new Set(
  [
    'CON', 'PRN', 'AUX', 'NUL',
    'COM1', 'COM2', 'COM3', 'COM4', 'COM5', 'COM6', 'COM7', 'COM8', 'COM9',
    'LPT1', 'LPT2', 'LPT3', 'LPT4', 'LPT5', 'LPT6', 'LPT7', 'LPT8', 'LPT9',
  ].map((name) => name.toLowerCase()),
);

function isAsciiAlnum(r: string): boolean {
  return /^[0-9A-Za-z]$/.test(r);
}

function firstPathOK(r: string): boolean {
  return /^[-.0-9a-z]$/.test(r);
}

function modPathOK(r: string): boolean {
  return isAsciiAlnum(r) || r === '-' || r === '.' || r === '_' || r === '~';
}

function importPathOK(r: string): boolean {
  return modPathOK(r) || r === '+';
}

function fileNameOK(r: string): boolean {
  if (r.codePointAt(0)! < 0x80) return isAsciiAlnum(r) || "!#$%&()+,-.=@[]^_{}~ ".includes(r);
  return isGoLetter(r);
}

const charOK: Record<PathKind, (r: string) => boolean> = {
  module: modPathOK,
  import: importPathOK,
  file: fileNameOK,
};

/** Returns the reason an element is invalid (without the path), or undefined. */
function elemError(elem: string, kind: PathKind): string | undefined {
  if (elem === '') return 'empty path element';
  if (/^\.+$/.test(elem)) return `invalid path element ${goQuote(elem)}`;
  if (elem[0] === '.' && kind === 'module') return 'leading dot in path element';
  if (elem.endsWith('.')) return 'trailing dot in path element';
  for (const r of elem) {
    if (!charOK[kind](r)) return `invalid char ${goQuoteRune(r)}`;
  }
  const dot = elem.indexOf('.');
  const short = dot >= 0 ? elem.slice(0, dot) : elem;
  if (badWindowsNames.has(foldKey(short))) {
    return `${goQuote(short)} disallowed as path element component on Windows`;
  }
  if (kind === 'file') return undefined;
  // Windows short names such as "foo~1" (x/mod v0.4.0, Go 1.16).
  const tilde = short.lastIndexOf('~');
  if (tilde >= 0 && tilde < short.length - 1 && /^[0-9]+$/.test(short.slice(tilde + 1))) {
    return 'trailing tilde and digits in path element';
  }
  return undefined;
}

function pathError(path: string, kind: PathKind): string | undefined {
  if (hasLoneSurrogate(path)) return 'invalid UTF-8';
  if (path === '') return 'empty string';
  // File paths may start with a dash since x/mod v0.5.0 (Go 1.17).
  if (path[0] === '-' && kind !== 'file') return 'leading dash';
  if (path.includes('//')) return 'double slash';
  if (path.endsWith('/')) return 'trailing slash';
  for (const elem of path.split('/')) {
    const err = elemError(elem, kind);
    if (err !== undefined) return err;
  }
  return undefined;
}

function modulePathError(path: string): string | undefined {
  const err = pathError(path, 'module');
  if (err !== undefined) return err;
  let i = path.indexOf('/');
  if (i < 0) i = path.length;
  if (i === 0) return 'leading slash';
  const first = path.slice(0, i);
  if (!first.includes('.')) return 'missing dot in first path element';
  if (path[0] === '-') return 'leading dash in first path element';
  for (const r of first) {
    if (!firstPathOK(r)) return `invalid char ${goQuoteRune(r)} in first path element`;
  }
  if (!splitPathVersion(path).ok) return 'invalid version';
  return undefined;
}

/** x/mod module.CheckPath: throws when `path` is not a valid module path (spec §1.2). */
export function checkPath(path: string): void {
  const err = modulePathError(path);
  if (err !== undefined) throw new GoModError(`malformed module path ${goQuote(path)}: ${err}`);
}

/** True when `path` passes {@link checkPath}. */
export function isValidModulePath(path: string): boolean {
  return modulePathError(path) === undefined;
}

/** x/mod module.CheckImportPath (spec §1.3). */
export function checkImportPath(path: string): void {
  const err = pathError(path, 'import');
  if (err !== undefined) throw new GoModError(`malformed import path ${goQuote(path)}: ${err}`);
}

/** x/mod module.CheckFilePath: the rule for every file name inside a module zip (spec §1.4). */
export function checkFilePath(path: string): void {
  const err = pathError(path, 'file');
  if (err !== undefined) throw new GoModError(`malformed file path ${goQuote(path)}: ${err}`);
}

/** The reason `elem` is not a valid single file-path element, or undefined (used for versions). */
export function filePathElemError(elem: string): string | undefined {
  if (hasLoneSurrogate(elem)) return 'invalid UTF-8';
  return elemError(elem, 'file');
}

export interface PathVersionSplit {
  /** The path without its major-version suffix. */
  prefix: string;
  /** `""`, `/vN` (N ≥ 2), or for gopkg.in `.vN` with an optional `-unstable`. */
  pathMajor: string;
  /** False when the suffix is malformed (`/v1`, `/v0`, `/v02`, `/v2.0`, gopkg.in without `.vN`). */
  ok: boolean;
}

/** x/mod module.SplitPathVersion. */
export function splitPathVersion(path: string): PathVersionSplit {
  if (path.startsWith('gopkg.in/')) return splitGopkgIn(path);
  let i = path.length;
  let dot = false;
  while (i > 0 && /[0-9.]/.test(path[i - 1]!)) {
    if (path[i - 1] === '.') dot = true;
    i--;
  }
  if (i <= 1 || i === path.length || path[i - 1] !== 'v' || path[i - 2] !== '/') {
    return { prefix: path, pathMajor: '', ok: true };
  }
  const prefix = path.slice(0, i - 2);
  const pathMajor = path.slice(i - 2);
  if (dot || pathMajor.length <= 2 || pathMajor[2] === '0' || pathMajor === '/v1') {
    return { prefix: path, pathMajor: '', ok: false };
  }
  return { prefix, pathMajor, ok: true };
}

function splitGopkgIn(path: string): PathVersionSplit {
  let i = path.length;
  if (path.endsWith('-unstable')) i -= '-unstable'.length;
  while (i > 0 && /[0-9]/.test(path[i - 1]!)) i--;
  if (i <= 1 || path[i - 1] !== 'v' || path[i - 2] !== '.') {
    return { prefix: path, pathMajor: '', ok: false };
  }
  const prefix = path.slice(0, i - 2);
  const pathMajor = path.slice(i - 2);
  if (pathMajor.length <= 2 || (pathMajor[2] === '0' && pathMajor !== '.v0')) {
    return { prefix: path, pathMajor: '', ok: false };
  }
  return { prefix, pathMajor, ok: true };
}

function pathMajorError(v: string, pathMajor: string): string | undefined {
  let pm = pathMajor;
  if (pm.startsWith('.v') && pm.endsWith('-unstable')) pm = pm.slice(0, -'-unstable'.length);
  // Old gopkg.in pseudo-versions were generated as v0.0.0- for .v1 paths.
  if (v.startsWith('v0.0.0-') && pm === '.v1') return undefined;
  const m = major(v);
  let want: string;
  if (pm === '') {
    if (m === 'v0' || m === 'v1' || build(v) === '+incompatible') return undefined;
    want = 'v0 or v1';
  } else if (pm[0] === '/' || pm[0] === '.') {
    if (m === pm.slice(1)) return undefined;
    want = pm.slice(1);
  } else {
    want = pm;
  }
  return `should be ${want}, not ${m}`;
}

/** x/mod module.CheckPathMajor: throws unless version `v` fits the path's major suffix (spec §1.5). */
export function checkPathMajor(v: string, pathMajor: string): void {
  const err = pathMajorError(v, pathMajor);
  if (err !== undefined) throw new GoModError(`version ${goQuote(v)} invalid: ${err}`);
}

/** True when {@link checkPathMajor} passes (x/mod module.MatchPathMajor). */
export function matchPathMajor(v: string, pathMajor: string): boolean {
  return pathMajorError(v, pathMajor) === undefined;
}

/** x/mod module.Check: a valid module path, a valid semantic version, and a matching major. */
export function checkModule(path: string, version: string): void {
  checkPath(path);
  const err = isValidSemver(version) ? pathMajorError(version, splitPathVersion(path).pathMajor) : 'not a semantic version';
  if (err !== undefined) throw new GoModError(`${path}@${version}: invalid version: ${err}`);
}
