import type { RepoView } from './repo-view.js';
import type { ModuleLocation } from './module-location.js';
import { isPseudoVersion } from '../pseudo-version.js';
import { canonical, major } from '../semver.js';

/** What a tag says about the module's version (cmd/go convert's tagToVersion). */
export interface TagVersion {
  /** semver.Canonical of the tag without its prefix (`v1.2.3+meta` → `v1.2.3`, never `+incompatible`). */
  version: string;
  /** The tag is exactly prefix + version. */
  canonical: boolean;
}

/**
 * cmd/go tagToVersion (spec §3.6 step 2): undefined when the tag lacks the prefix D/, looks like a
 * pseudo-version, or is not a complete version (`v1.2` is rejected: `v1.2.0` is not a prefix of it).
 */
export function tagToVersion(loc: ModuleLocation, tag: string): TagVersion | undefined {
  if (!tag.startsWith(loc.tagPrefix)) return undefined;
  const trimmed = tag.slice(loc.tagPrefix.length);
  if (isPseudoVersion(tag)) return undefined;
  const version = canonical(trimmed);
  if (version === '' || !trimmed.startsWith(version)) return undefined;
  return { version, canonical: version === trimmed };
}

/**
 * cmd/go convert's canUseIncompatible (spec §3.5) for the commit a query resolved to, memoised:
 * D and P empty, no root go.mod, and — unless the query itself ends in `+incompatible` — no
 * `vN/go.mod` for the version's major.
 */
export function incompatibleChecker(
  view: RepoView,
  loc: ModuleLocation,
  commit: string,
  statVers: string,
): (version: string) => Promise<boolean> {
  const absent = new Map<string, Promise<boolean>>();
  const missing = (path: string): Promise<boolean> => {
    let p = absent.get(path);
    if (!p) {
      p = view.readFile(commit, path).then((data) => data === null);
      absent.set(path, p);
    }
    return p;
  };
  return async (version) => {
    if (loc.codeDir !== '' || loc.pathMajor !== '') return false;
    if (!(await missing('go.mod'))) return false;
    // Go 1.18+ (issue 51324): a vN/go.mod claims the vN tags for the /vN module, but an explicit
    // +incompatible request keeps working for go.mod files written by older go commands.
    if (version !== '' && !statVers.endsWith('+incompatible')) {
      if (!(await missing(`${major(version)}/go.mod`))) return false;
    }
    return true;
  };
}
