import { GoModError } from '../errors.js';
import { goQuote } from '../go-strings.js';
import { checkPath, splitPathVersion } from '../module-path.js';

/** Where module M lives in the repository rooted at import path R (spec §0 terms). */
export interface ModuleLocation {
  /** M. */
  modulePath: string;
  /** R: the import path of the repository root. */
  codeRoot: string;
  /** D: the module's directory in the repository (`""` at the root); also the tag prefix without `/`. */
  codeDir: string;
  /** Prefix(M): M without P, or M itself when M == R. */
  pathPrefix: string;
  /** P: `""`, `/vN`, `.vN` or `.vN-unstable`. */
  pathMajor: string;
  /** `""` when P is empty, else its major (`v2`), used for pseudo-versions without a base. */
  pseudoMajor: string;
  /** `D + "/"`, or `""` when D is empty: what tags of this module start with. */
  tagPrefix: string;
}

/** cmd/go's hasPathPrefix: `s` is `prefix` or lies below it, element-wise. */
export function hasPathPrefix(s: string, prefix: string): boolean {
  if (s.length === prefix.length) return s === prefix;
  if (s.length < prefix.length) return false;
  if (prefix !== '' && prefix.endsWith('/')) return s.startsWith(prefix);
  return s[prefix.length] === '/' && s.startsWith(prefix);
}

/** x/mod module.PathMajorPrefix: `/v2` → `v2`, `.v1-unstable` → `v1`, `""` → `""`. */
export function pathMajorPrefix(pathMajor: string): string {
  if (pathMajor === '') return '';
  let pm = pathMajor;
  if (pm.startsWith('.v') && pm.endsWith('-unstable')) pm = pm.slice(0, -'-unstable'.length);
  return pm.slice(1);
}

/** cmd/go newCodeRepo: derives D, P and Prefix(M); throws GoModError when M cannot live under R. */
export function locateModule(modulePath: string, codeRoot: string): ModuleLocation {
  checkPath(modulePath);
  if (!hasPathPrefix(modulePath, codeRoot)) {
    throw new GoModError(`mismatched repo: found ${codeRoot} for ${modulePath}`);
  }
  const split = splitPathVersion(modulePath);
  if (!split.ok) throw new GoModError(`invalid module path ${goQuote(modulePath)}`);
  const pathPrefix = codeRoot === modulePath ? modulePath : split.prefix;
  let codeDir = '';
  if (codeRoot !== modulePath) {
    if (!hasPathPrefix(pathPrefix, codeRoot)) {
      throw new GoModError(`repository rooted at ${codeRoot} cannot contain module ${modulePath}`);
    }
    codeDir = pathPrefix.slice(codeRoot.length).replace(/^\/+|\/+$/g, '');
  }
  return {
    modulePath,
    codeRoot,
    codeDir,
    pathPrefix,
    pathMajor: split.pathMajor,
    pseudoMajor: pathMajorPrefix(split.pathMajor),
    tagPrefix: codeDir === '' ? '' : codeDir + '/',
  };
}
