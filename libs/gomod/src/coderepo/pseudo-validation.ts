import { GoModError } from '../errors.js';
import {
  pseudoVersionBase,
  pseudoVersionRev,
  pseudoVersionTime,
  pseudoVersionTimestampOf,
} from '../pseudo-version.js';
import { compareSemver, major } from '../semver.js';
import type { ModuleLocation } from './module-location.js';
import type { RepoView, ResolvedRevision } from './repo-view.js';
import { invalidPseudoVersion } from './version-errors.js';

function trimIncompatible(v: string): string {
  return v.endsWith('+incompatible') ? v.slice(0, -'+incompatible'.length) : v;
}

/** The reason of an x/mod pseudo-version error, without its `pseudo-version "v" invalid: ` prefix. */
function reasonOf(err: unknown): string {
  if (!(err instanceof GoModError)) throw err;
  return err.message.replace(/^pseudo-version "[^"]*" invalid: /, '');
}

/**
 * cmd/go validatePseudoVersion (spec §4.3, Go 1.13+), after checkCanonical has checked the go.mod
 * location and major: the revision must be the commit's short hash, the timestamp its commit
 * time, and a base version must be a tag on an ancestor of the commit (not on the commit itself,
 * where the canonical tag should be used). Throws GoModError `M@v: invalid pseudo-version: …`.
 */
export async function validatePseudoVersion(
  view: RepoView,
  loc: ModuleLocation,
  info: ResolvedRevision,
  version: string,
): Promise<void> {
  const fail = (reason: string): GoModError => invalidPseudoVersion(loc.modulePath, version, reason);

  const rev = pseudoVersionRev(version);
  if (rev !== info.short) {
    if (rev.startsWith(info.short)) throw fail(`revision is longer than canonical (expected ${info.short})`);
    if (info.short.startsWith(rev)) throw fail(`revision is shorter than canonical (expected ${info.short})`);
    throw fail(`does not match short name of revision (expected ${info.short})`);
  }

  let time: Date;
  try {
    time = pseudoVersionTime(version);
  } catch (err) {
    throw fail(reasonOf(err));
  }
  if (time.getTime() !== info.time.getTime()) {
    throw fail(`does not match version-control timestamp (expected ${pseudoVersionTimestampOf(info.time)})`);
  }

  let base: string;
  try {
    base = pseudoVersionBase(trimIncompatible(version));
  } catch (err) {
    throw fail(reasonOf(err));
  }
  if (base === '') {
    if (loc.pseudoMajor === '' && major(version) === 'v1') {
      throw fail('major version without preceding tag must be v0, not v1');
    }
    return;
  }

  const prefix = loc.tagPrefix;
  for (const tag of info.tags) {
    // strings.TrimPrefix: a tag without the prefix is compared whole.
    const versionOnly = tag.startsWith(prefix) ? tag.slice(prefix.length) : tag;
    if (versionOnly === base) {
      throw fail(
        `tag (${tag}) found on revision ${rev} is already canonical, so should not be replaced with a pseudo-version derived from that tag`,
      );
    }
  }

  let lastTag = '';
  for (const tag of await view.tagsWithPrefix(prefix + base)) {
    if (compareSemver(tag.name.slice(prefix.length), base) !== 0) continue;
    lastTag = tag.name;
    if (await view.isAncestor(tag.commit, info.hash)) return;
  }
  if (lastTag === '') throw fail(`preceding tag (${base}) not found`);
  throw fail(`revision ${rev} is not a descendent of preceding tag (${lastTag})`);
}
