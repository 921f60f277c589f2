import { compareSemver } from '../semver.js';
import type { ModuleLocation } from './module-location.js';
import type { RepoView } from './repo-view.js';
import { tagToVersion } from './tag-version.js';

/**
 * The base of a new pseudo-version (spec §4.2, cmd/go RecentTag): the canonical version of the
 * highest-precedence tag with the module's prefix that passes tagToVersion and `allowed` and
 * points at `commit` or one of its ancestors; `""` when there is none. Candidates are tried from
 * the highest down, so ancestry is tested only until the first hit.
 */
export async function pseudoVersionBaseFor(
  view: RepoView,
  loc: ModuleLocation,
  commit: string,
  allowed: (version: string) => Promise<boolean>,
): Promise<string> {
  const candidates: Array<{ semtag: string; version: string; commit: string }> = [];
  for (const tag of await view.tagsWithPrefix(loc.tagPrefix)) {
    const tv = tagToVersion(loc, tag.name);
    if (!tv || !(await allowed(tv.version))) continue;
    candidates.push({ semtag: tag.name.slice(loc.tagPrefix.length), version: tv.version, commit: tag.commit });
  }
  candidates.sort((a, b) => compareSemver(b.semtag, a.semtag));
  for (const c of candidates) {
    if (await view.isAncestor(c.commit, commit)) return c.version;
  }
  return '';
}
