import { GoModError } from '../errors.js';
import { goQuote } from '../go-strings.js';
import { matchPathMajor } from '../module-path.js';
import { isPseudoVersion, pseudoVersion } from '../pseudo-version.js';
import { canonicalVersion, compareSemver, major } from '../semver.js';
import { findDir } from './find-dir.js';
import type { ModuleLocation } from './module-location.js';
import { pseudoVersionBaseFor } from './pseudo-base.js';
import { validatePseudoVersion } from './pseudo-validation.js';
import type { RepoView, ResolvedRevision } from './repo-view.js';
import type { RetractedCheck } from './retractions.js';
import type { RevInfo } from './rev-info.js';
import { incompatibleChecker, tagToVersion } from './tag-version.js';
import { RevisionError, invalidVersion, versionNotFound } from './version-errors.js';

function trimIncompatible(v: string): string {
  return v.endsWith('+incompatible') ? v.slice(0, -'+incompatible'.length) : v;
}

/** What {@link convert} needs besides the resolved revision. */
export interface ConvertContext {
  view: RepoView;
  loc: ModuleLocation;
  /** Loads the module's retractions (spec §3.6 step 1); called at most once, only when needed. */
  retractions: () => Promise<RetractedCheck>;
}

/**
 * cmd/go codeRepo.convert (spec §3.6): turns the revision a query `statVers` resolved to into a
 * module version. `statVers` is `""` for Latest. Case A validates a requested pseudo-version;
 * case B picks a canonical tag on the commit or builds a pseudo-version from ancestor tags.
 */
export async function convert(ctx: ConvertContext, info: ResolvedRevision, statVers: string): Promise<RevInfo> {
  const { view, loc } = ctx;
  const M = loc.modulePath;
  const canUseIncompatible = incompatibleChecker(view, loc, info.hash, statVers);

  const checkCanonical = async (version: string): Promise<RevInfo> => {
    let v = version;
    try {
      await findDir(view, loc, v);
    } catch (err) {
      // cmd/go wraps every findDir failure in notExistError.
      if (err instanceof GoModError) throw versionNotFound(M, v, err.message);
      throw err;
    }
    if (v === trimIncompatible(statVers)) v = statVers;
    const base = trimIncompatible(v);
    let errIncompatible: GoModError | undefined;
    if (!matchPathMajor(base, loc.pathMajor)) {
      if (await canUseIncompatible(base)) {
        v = base + '+incompatible';
      } else if (loc.pathMajor !== '') {
        errIncompatible = invalidVersion(M, v, 'module path includes a major version suffix, so major version must match');
      } else {
        const want = goQuote(`${loc.pathPrefix}/${major(v)}`);
        errIncompatible = invalidVersion(M, v, `module contains a go.mod file, so module path must match major version (${want})`);
      }
    } else if (v.endsWith('+incompatible')) {
      errIncompatible = invalidVersion(M, v, `+incompatible suffix not allowed: major version ${major(v)} is compatible`);
    }
    if (statVers !== '' && statVers === canonicalVersion(statVers)) {
      // A canonical request must resolve to itself (give or take +incompatible).
      const statBase = trimIncompatible(statVers);
      if (statBase !== base) throw invalidVersion(M, statVers, `resolves to version ${v} (${statBase} is not a tag)`);
    }
    if (errIncompatible) throw errIncompatible;
    return { version: v, time: info.time, commit: info.hash, ...(info.ref !== undefined ? { ref: info.ref } : {}) };
  };

  if (isPseudoVersion(statVers)) {
    // Location and major first: they need no history, unlike the base-tag ancestry check.
    const result = await checkCanonical(statVers);
    await validatePseudoVersion(view, loc, info, statVers);
    return result;
  }

  let retracted: RetractedCheck | undefined;
  const isRetracted = async (v: string): Promise<boolean> => {
    retracted ??= await ctx.retractions();
    return retracted(v);
  };

  const own = tagToVersion(loc, info.version);
  if (own?.canonical) {
    try {
      return await checkCanonical(own.version);
    } catch (err) {
      // cmd/go ignores this failure and goes on to the other tags on the commit.
      if (!(err instanceof GoModError)) throw err;
    }
  }

  let highestCanonical = '';
  let pseudoBase = '';
  for (const tag of info.tags) {
    const tv = tagToVersion(loc, tag);
    const v = tv?.version ?? '';
    if (statVers !== '' && compareSemver(v, statVers) === 0) {
      // A canonical tag equal to the request is used even if not allowed (checkCanonical says why);
      // a non-canonical one (v1.2.3+meta) can be ambiguous, so it only serves as a base.
      if (tv?.canonical) return checkCanonical(v);
      pseudoBase = v;
    }
    if (tv?.canonical && compareSemver(highestCanonical, v) < 0 && !(await isRetracted(v))) {
      if (matchPathMajor(v, loc.pathMajor) || (await canUseIncompatible(v))) highestCanonical = v;
    }
  }
  if (highestCanonical !== '') return checkCanonical(highestCanonical);

  if (pseudoBase === '') {
    pseudoBase = await pseudoVersionBaseFor(view, loc, info.hash, async (v) => {
      if (!matchPathMajor(v, loc.pathMajor) && !(await canUseIncompatible(v))) return false;
      // Go 1.16+: retracted versions are not used as bases.
      return !(await isRetracted(v));
    });
  }
  return checkCanonical(pseudoVersion(loc.pseudoMajor, pseudoBase, info.time, info.short));
}

/** Resolves `rev` in `view`, turning repository failures into `M@query: invalid version: …`. */
export async function resolveQuery(view: RepoView, loc: ModuleLocation, rev: string, query: string): Promise<ResolvedRevision> {
  try {
    return await view.resolve(rev);
  } catch (err) {
    if (err instanceof RevisionError) {
      throw err.notFound ? versionNotFound(loc.modulePath, query, err.message) : invalidVersion(loc.modulePath, query, err.message);
    }
    throw err;
  }
}
