import { GoModError } from '../errors.js';
import { matchPathMajor } from '../module-path.js';
import { isPseudoVersion } from '../pseudo-version.js';
import { canonical, major, sortVersions } from '../semver.js';
import type { ModuleLocation } from './module-location.js';
import type { RepoView } from './repo-view.js';
import { RevisionError } from './version-errors.js';

/**
 * cmd/go codeRepo.Versions("") (spec §3.4): the canonical tagged versions of the module, then the
 * `+incompatible` ones the per-major go.mod heuristic allows. Built from tag names and a few root
 * go.mod checks only: not filtered by retractions or by whether findDir would succeed.
 */
export async function listVersions(view: RepoView, loc: ModuleLocation): Promise<string[]> {
  // gopkg.in/x.v2-unstable does not use the v2 tags (those are x.v2's): it has none at all.
  if (loc.modulePath.startsWith('gopkg.in/') && loc.modulePath.endsWith('-unstable')) return [];

  const list: string[] = [];
  const incompatible: string[] = [];
  for (const { name } of await view.tagsWithPrefix(loc.tagPrefix)) {
    const v = name.slice(loc.tagPrefix.length);
    if (v === '' || v !== canonical(v) || isPseudoVersion(v)) continue;
    if (matchPathMajor(v, loc.pathMajor)) list.push(v);
    else if (loc.codeDir === '' && loc.pathMajor === '' && major(v) > 'v1') incompatible.push(v);
  }
  return appendIncompatible(view, loc, sortVersions(list), sortVersions(incompatible));
}

async function hasRootGoMod(view: RepoView, loc: ModuleLocation, tag: string): Promise<boolean> {
  let hash: string;
  try {
    hash = (await view.resolve(tag)).hash;
  } catch (err) {
    if (err instanceof RevisionError) throw new GoModError(`module ${loc.modulePath}: ${err.message}`);
    throw err;
  }
  return (await view.readFile(hash, 'go.mod')) !== null;
}

/** cmd/go appendIncompatibleVersions; both lists sorted. The per-major rule is Go 1.14+ (issue 34189). */
async function appendIncompatible(
  view: RepoView,
  loc: ModuleLocation,
  list: string[],
  incompatible: string[],
): Promise<string[]> {
  if (incompatible.length === 0 || loc.pathMajor !== '') return list;
  // The latest compatible version has a go.mod: its author means consumers to stay on v0/v1.
  if (list.length > 0 && (await hasRootGoMod(view, loc, list[list.length - 1]!))) return list;

  const result = [...list];
  let i = 0;
  while (i < incompatible.length) {
    const m = major(incompatible[i]!);
    let j = i;
    while (j < incompatible.length && major(incompatible[j]!) === m) j++;
    if (!(await hasRootGoMod(view, loc, incompatible[j - 1]!))) {
      for (const v of incompatible.slice(i, j)) result.push(v + '+incompatible');
    }
    i = j;
  }
  return result;
}
