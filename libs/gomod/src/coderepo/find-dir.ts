import { goModModulePath } from '../go-mod-file.js';
import { goQuote } from '../go-strings.js';
import { splitPathVersion } from '../module-path.js';
import { isPseudoVersion, pseudoVersionRev } from '../pseudo-version.js';
import { build, isValidSemver, major } from '../semver.js';
import type { ModuleLocation } from './module-location.js';
import { pathMajorPrefix } from './module-location.js';
import type { RepoView } from './repo-view.js';
import { RevisionError } from './version-errors.js';

/** Where a version of the module lives (spec §3.3). */
export interface ModuleDir {
  /** The git revision the version was turned into (`sub/v1.2.0`, or a short hash). */
  rev: string;
  /** The commit `rev` resolved to. */
  commit: string;
  /** The module directory in the repository: D, `D/vN` (major subdirectory), or `""`. */
  dir: string;
  /** Raw bytes of the module's go.mod; null in the legacy case (root, no go.mod). */
  goMod: Buffer | null;
}

/**
 * cmd/go revToRev: a pseudo-version becomes its revision, any other valid semver version loses
 * `+incompatible` and gains the tag prefix D/; anything else (a branch, a hash) is unchanged.
 */
export function revToRev(loc: ModuleLocation, rev: string): string {
  if (!isValidSemver(rev)) return rev;
  if (isPseudoVersion(rev)) return pseudoVersionRev(rev);
  const tag = build(rev) === '+incompatible' ? rev.slice(0, -'+incompatible'.length) : rev;
  return loc.tagPrefix + tag;
}

/**
 * cmd/go isMajor: whether the module path declared in a go.mod (`mpath`) allows the majors of P.
 * Only the major suffix is compared, never the rest of the path (spec §3.3).
 */
export function isMajor(mpath: string, pathMajor: string): boolean {
  if (mpath === '') return false;
  const split = splitPathVersion(mpath);
  if (!split.ok) return false;
  if (pathMajor === '') {
    const m = pathMajorPrefix(split.pathMajor);
    return m === '' || m === 'v0' || m === 'v1';
  }
  if (split.pathMajor === '') return false;
  return pathMajor.slice(1) === split.pathMajor.slice(1);
}

function layoutError(message: string): RevisionError {
  return new RevisionError(message, true);
}

function joinPath(dir: string, file: string): string {
  return dir === '' ? file : `${dir}/${file}`;
}

/**
 * cmd/go findDir (spec §3.3): the commit and directory holding `version` of the module, and its
 * go.mod. Throws a {@link RevisionError} worded like cmd/go's (without the `M@v: invalid version:`
 * prefix, which the caller adds): "not found" when the revision does not resolve or the go.mod
 * layout does not fit M.
 */
export async function findDir(view: RepoView, loc: ModuleLocation, version: string): Promise<ModuleDir> {
  if (!isValidSemver(version)) throw new RevisionError('syntax error', false);
  const rev = revToRev(loc, version);
  const { hash: commit } = await view.resolve(rev);
  const { codeDir, pathMajor, pathPrefix, codeRoot, modulePath } = loc;

  const file1 = joinPath(codeDir, 'go.mod');
  const goMod1 = await view.readFile(commit, file1);
  const mpath1 = goMod1 === null ? '' : goModModulePath(goMod1);
  // golang.org/issue/34254: unversioned paths were accepted as replacements for gopkg.in paths.
  const found1 = goMod1 !== null && (isMajor(mpath1, pathMajor) || (pathMajor === '' && mpath1.startsWith('gopkg.in/')));

  let file2 = '';
  if (pathMajor !== '' && codeRoot !== modulePath && !pathMajor.startsWith('.')) {
    const dir2 = joinPath(codeDir, pathMajor.slice(1));
    file2 = joinPath(dir2, 'go.mod');
    const goMod2 = await view.readFile(commit, file2);
    const mpath2 = goMod2 === null ? '' : goModModulePath(goMod2);
    const found2 = goMod2 !== null && isMajor(mpath2, pathMajor);
    if (found1 && found2) {
      throw layoutError(
        `${pathPrefix}/${file1} and ...${pathMajor}/go.mod both have ...${pathMajor} module paths at revision ${rev}`,
      );
    }
    if (found2) return { rev, commit, dir: dir2, goMod: goMod2 };
    if (goMod2 !== null) {
      if (mpath2 === '') throw layoutError(`${codeRoot}/${file2} is missing module path at revision ${rev}`);
      throw layoutError(
        `${codeRoot}/${file2} has non-...${pathMajor} module path ${goQuote(mpath2)} at revision ${rev}`,
      );
    }
  }

  if (found1) return { rev, commit, dir: codeDir, goMod: goMod1 };
  if (goMod1 !== null) {
    const suffix = file2 !== '' ? ` (and ...${pathMajor}/go.mod does not exist)` : '';
    if (mpath1 === '') throw layoutError(`${file1} is missing module path${suffix} at revision ${rev}`);
    if (pathMajor !== '') {
      throw layoutError(`${file1} has non-...${pathMajor} module path ${goQuote(mpath1)}${suffix} at revision ${rev}`);
    }
    if (!splitPathVersion(mpath1).ok) {
      throw layoutError(`${file1} has malformed module path ${goQuote(mpath1)}${suffix} at revision ${rev}`);
    }
    throw layoutError(`${file1} has post-${major(version)} module path ${goQuote(mpath1)}${suffix} at revision ${rev}`);
  }

  if (codeDir === '' && (pathMajor === '' || pathMajor.startsWith('.'))) {
    return { rev, commit, dir: '', goMod: null };
  }
  if (file2 !== '') throw layoutError(`missing ${pathPrefix}/go.mod and ...${pathMajor}/go.mod at revision ${rev}`);
  throw layoutError(`missing ${pathPrefix}/go.mod at revision ${rev}`);
}
