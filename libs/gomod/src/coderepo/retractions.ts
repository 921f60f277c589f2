import { GoModError } from '../errors.js';
import { parseGoModLax } from '../go-mod-file.js';
import { compareSemver, prerelease } from '../semver.js';
import { findDir } from './find-dir.js';
import type { ModuleLocation } from './module-location.js';
import type { RepoView } from './repo-view.js';
import { listVersions } from './versions.js';

/** Whether a version is retracted. */
export type RetractedCheck = (version: string) => boolean;

/** Retracts nothing. */
export const noRetractions: RetractedCheck = () => false;

/**
 * The `retract` directives of a go.mod as cmd/go reads a dependency's go.mod (modfile.ParseLax):
 * single versions and closed `[lo, hi]` intervals, in blocks too, bounds compared as written
 * (modfile's dontFixRetract neither canonicalises nor validates them). Throws GoModError when the
 * file does not parse.
 */
export function retractionsFromGoMod(goMod: Buffer | string): RetractedCheck {
  const intervals = parseGoModLax(goMod).retract;
  if (intervals.length === 0) return noRetractions;
  return (v) => intervals.some(({ low, high }) => compareSemver(low, v) <= 0 && compareSemver(v, high) <= 0);
}

/**
 * cmd/go retractedVersions' choice of go.mod (spec §3.6 step 1): the highest non-prerelease
 * version of `@v/list` before its `+incompatible` entries, else the highest one; undefined when
 * the list has no compatible version.
 */
export function retractionSource(list: readonly string[]): string | undefined {
  const end = list.findIndex((v) => v.endsWith('+incompatible'));
  const versions = end < 0 ? list : list.slice(0, end);
  for (let i = versions.length - 1; i >= 0; i--) {
    if (prerelease(versions[i]!) === '') return versions[i];
  }
  return versions[versions.length - 1];
}

/**
 * cmd/go retractedVersions: the retractions in the go.mod of {@link retractionSource} of the
 * module's `@v/list`. Any Go-level failure (no such version layout, a go.mod that does not parse)
 * means no retractions, as in cmd/go; repository I/O failures are thrown.
 */
export async function loadRetractions(view: RepoView, loc: ModuleLocation): Promise<RetractedCheck> {
  try {
    const highest = retractionSource(await listVersions(view, loc));
    if (highest === undefined) return noRetractions;
    const { goMod } = await findDir(view, loc, highest);
    return goMod === null ? noRetractions : retractionsFromGoMod(goMod);
  } catch (err) {
    if (err instanceof GoModError) return noRetractions;
    throw err;
  }
}
