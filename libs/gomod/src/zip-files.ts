import { equalFold, foldKey } from './case-fold.js';
import { GoModError } from './errors.js';
import { compareGoVersions, goLang, parseGoModLax } from './go-mod-file.js';
import { cleanPath, goQuote } from './go-strings.js';
import { checkFilePath } from './module-path.js';

/** x/mod zip.MaxZipFile: 500 MiB, for the zip file and for the sum of its uncompressed files. */
export const MAX_ZIP_FILE = 500 << 20;
/** x/mod zip.MaxGoMod: 16 MiB for the root go.mod. */
export const MAX_GO_MOD = 16 << 20;
/** x/mod zip.MaxLICENSE: 16 MiB for the root LICENSE. */
export const MAX_LICENSE = 16 << 20;

/** One file of a module's source tree, relative to the module root (spec §6.1 output). */
export interface ModuleFileInput {
  path: string;
  size: number;
  kind: 'file' | 'symlink' | 'other';
}

export interface ClassifiedModuleFiles {
  /** Paths to put in the zip, in input order. */
  kept: string[];
  /** Paths silently left out, with x/mod's reason. */
  omitted: Array<{ path: string; reason: string }>;
}

/**
 * Finds case-insensitive collisions between paths, and paths used both as a file and as a
 * directory (x/mod zip collisionChecker). Parent directories of every path are registered too.
 */
export class CollisionChecker {
  private readonly seen = new Map<string, { path: string; isDir: boolean }>();

  /** The reason `p` collides with an earlier path, or undefined (then `p` is recorded). */
  check(p: string, isDir: boolean): string | undefined {
    const fold = foldKey(p);
    const other = this.seen.get(fold);
    if (other) {
      if (p !== other.path) return `case-insensitive file name collision: ${goQuote(other.path)} and ${goQuote(p)}`;
      if (isDir !== other.isDir) return `entry ${goQuote(p)} is both a file and a directory`;
      if (!isDir) return `multiple entries for file ${goQuote(p)}`;
    } else {
      this.seen.set(fold, { path: p, isDir });
    }
    const slash = p.lastIndexOf('/');
    const parent = slash < 0 ? '.' : cleanPath(p.slice(0, slash));
    return parent === '.' ? undefined : this.check(parent, true);
  }
}

/**
 * The root go.mod's `go` directive reduced to the language version (`go 1.24.0` and `go 1.24rc1`
 * give `go1.24`), read leniently as x/mod zip does; `""` when it is missing or the file does not
 * parse (modfile.ParseLax + go/version.Lang).
 */
export function goDirectiveVersion(goModBytes: Buffer): string {
  try {
    const go = parseGoModLax(goModBytes).go;
    return go === undefined ? '' : goLang('go' + go);
  } catch {
    return '';
  }
}

const vendorPrefix = Buffer.from('vendor/');
const nestedVendor = Buffer.from('/vendor/');
const slash = 0x2f;

/** x/mod zip isVendoredPackage (spec §6.3). `vers` is a `goX.Y` language version or `""`. */
export function isVendoredPackage(name: string, vers: string): boolean {
  // For go ≥ 1.24 modules (x/mod v0.22.0): vendor/modules.txt is dropped and the nested
  // "/vendor/" offset is measured from the right place (golang.org/issue/37397).
  const go124 = compareGoVersions(vers, 'go1.24') >= 0;
  if (go124 && name === 'vendor/modules.txt') return true;
  const bytes = Buffer.from(name, 'utf8');
  let i: number;
  if (bytes.subarray(0, vendorPrefix.length).equals(vendorPrefix)) {
    i = vendorPrefix.length;
  } else {
    const j = bytes.indexOf(nestedVendor);
    if (j < 0) return false;
    // Before 1.24 the offset was taken from the start of the path, so every file below a nested
    // vendor directory was dropped; kept so existing checksums stay valid.
    i = go124 ? j + nestedVendor.length : nestedVendor.length;
  }
  return bytes.subarray(i).includes(slash);
}

function fileDir(p: string): string {
  return p.slice(0, p.lastIndexOf('/') + 1);
}

/**
 * x/mod zip checkFiles (spec §6.2) on the files of a module tree: which files go into the module
 * zip and which are silently omitted (vendored, nested modules, `.hg_archival.txt`, symlinks,
 * irregular files). Throws GoModError when any file is invalid or the sizes are too large, since
 * the go command then fails to create the zip at all.
 *
 * `goVersion` is {@link goDirectiveVersion} of the root go.mod (`go1.24`, or `""`); it is used
 * only when the list holds a regular root `go.mod`, as in x/mod.
 */
export function classifyModuleFiles(
  files: readonly ModuleFileInput[],
  opts: { goVersion?: string } = {},
): ClassifiedModuleFiles {
  const kept: string[] = [];
  const omitted: Array<{ path: string; reason: string }> = [];
  const invalid: Array<{ path: string; reason: string }> = [];
  const errPaths = new Set<string>();
  const addError = (path: string, isOmitted: boolean, reason: string): void => {
    if (errPaths.has(path)) return;
    errPaths.add(path);
    (isOmitted ? omitted : invalid).push({ path, reason });
  };

  const goModDirs = new Set<string>();
  let vers = '';
  for (const f of files) {
    const base = f.path.slice(f.path.lastIndexOf('/') + 1);
    if (!equalFold(base, 'go.mod') || f.kind !== 'file') continue;
    goModDirs.add(fileDir(f.path));
    if (f.path === 'go.mod' && opts.goVersion) {
      vers = opts.goVersion.startsWith('go') ? opts.goVersion : 'go' + opts.goVersion;
    }
  }
  const inSubmodule = (p: string): boolean => {
    for (let dir = fileDir(p); dir !== ''; dir = fileDir(dir.slice(0, -1))) {
      if (goModDirs.has(dir)) return true;
    }
    return false;
  };

  const collisions = new CollisionChecker();
  let remaining = MAX_ZIP_FILE;
  let sizeError: string | undefined;
  for (const { path: p, size, kind } of files) {
    if (p !== cleanPath(p)) {
      addError(p, false, 'file path is not clean');
      continue;
    }
    if (p.startsWith('/')) {
      addError(p, false, 'file path is not relative');
      continue;
    }
    if (isVendoredPackage(p, vers)) {
      addError(p, true, 'file is in vendor directory');
      continue;
    }
    if (inSubmodule(p)) {
      addError(p, true, 'file is in another module');
      continue;
    }
    if (p === '.hg_archival.txt') {
      addError(p, true, "file is inserted by 'hg archive' and is always omitted");
      continue;
    }
    try {
      checkFilePath(p);
    } catch (err) {
      addError(p, false, (err as Error).message);
      continue;
    }
    if (p.toLowerCase() === 'go.mod' && p !== 'go.mod') {
      addError(p, false, 'go.mod files must have lowercase names');
      continue;
    }
    const collision = collisions.check(p, false);
    if (collision !== undefined) {
      addError(p, false, collision);
      continue;
    }
    if (kind === 'symlink') {
      addError(p, true, 'file is a symbolic link');
      continue;
    }
    if (kind !== 'file') {
      addError(p, true, 'not a regular file');
      continue;
    }
    if (size >= 0 && size <= remaining) remaining -= size;
    else sizeError ??= `module source tree too large (max size is ${MAX_ZIP_FILE} bytes)`;
    if (p === 'go.mod' && size > MAX_GO_MOD) {
      addError(p, false, `go.mod file too large (max size is ${MAX_GO_MOD} bytes)`);
      continue;
    }
    if (p === 'LICENSE' && size > MAX_LICENSE) {
      addError(p, false, `LICENSE file too large (max size is ${MAX_LICENSE} bytes)`);
      continue;
    }
    kept.push(p);
  }

  if (sizeError !== undefined) throw new GoModError(`create zip: ${sizeError}`);
  if (invalid.length > 0) {
    const first = invalid[0]!;
    const more = invalid.length > 1 ? ` (and ${invalid.length - 1} more invalid files)` : '';
    throw new GoModError(`create zip: ${first.path}: ${first.reason}${more}`);
  }
  return { kept, omitted };
}
