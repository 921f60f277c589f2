import type { OriginConfig } from '#config';
import { checkPath, foldKey } from '#gomod';

/** A private module path resolved to its repository. */
export interface ResolvedOrigin {
  origin: OriginConfig;
  /** Import path of the repository root (GOMOD-SPEC "R"). */
  codeRoot: string;
  /** Git URL built from the origin's template; never a URL taken from a request or a payload. */
  repoUrl: string;
}

/** The fixed part of a pattern: `host/org/*` and `host/group/...` both give `host/org`. */
export function patternPrefix(pattern: string): string {
  return pattern.replace(/\/(\*|\.\.\.)$/, '');
}

/**
 * Decides which module paths are private (claimed by an origin) and where their repositories are.
 * A claimed path is never sent to the public upstream or checksum database.
 */
export class OriginMatcher {
  /** Each origin with its pattern prefix, case-folded for matching. */
  private readonly folded: ReadonlyArray<{ origin: OriginConfig; prefix: string; foldedPrefix: string }>;

  constructor(
    readonly origins: OriginConfig[],
    private readonly discoverRoot: (modulePath: string, origin: OriginConfig) => Promise<string | null> = async () => null,
  ) {
    this.folded = origins.map((origin) => ({ origin, prefix: patternPrefix(origin.pattern), foldedPrefix: foldKey(patternPrefix(origin.pattern)) }));
  }

  /**
   * The origin claiming `modulePath`, or null. An origin claims its pattern's prefix, everything
   * below it, and every parent of the prefix: the go command probes parents of a path it resolves
   * (`git.corp.example/acme`, `git.corp.example`), and those must not reveal private host names
   * to the public upstream either. Case is ignored: git hosts resolve `github.com/Acme/x` to the
   * repository of `github.com/acme/x`, so every spelling of a private path is private.
   */
  claims(modulePath: string): OriginConfig | null {
    return this.claim(modulePath)?.origin ?? null;
  }

  /**
   * For a path claimed only because case is ignored (it spells the origin's prefix, or a parent
   * of it, differently): the path as the origin's pattern spells it. Null for every other path.
   */
  configuredSpelling(modulePath: string): string | null {
    const claim = this.claim(modulePath);
    if (!claim) return null;
    const n = Math.min(claim.prefix.length, modulePath.length);
    if (modulePath.slice(0, n) === claim.prefix.slice(0, n)) return null;
    return claim.prefix.slice(0, n) + modulePath.slice(n);
  }

  private claim(modulePath: string): { origin: OriginConfig; prefix: string } | null {
    const path = foldKey(modulePath);
    for (const claim of this.folded) {
      const prefix = claim.foldedPrefix;
      if (path === prefix || path.startsWith(`${prefix}/`) || prefix.startsWith(`${path}/`)) return claim;
    }
    return null;
  }

  /** Module path patterns for the go command's GONOSUMDB / GOPRIVATE. */
  privatePatterns(): string[] {
    return [...new Set(this.origins.map((origin) => patternPrefix(origin.pattern)))];
  }

  /** Resolves the repository of a claimed path; null when no repository holds it. */
  async resolve(modulePath: string): Promise<ResolvedOrigin | null> {
    const origin = this.claims(modulePath);
    if (!origin) return null;
    const prefix = patternPrefix(origin.pattern);
    if (!modulePath.startsWith(`${prefix}/`) && modulePath !== prefix) return null;
    let codeRoot: string | null;
    if (origin.pattern.endsWith('/*')) {
      const repo = modulePath.slice(prefix.length + 1).split('/')[0];
      codeRoot = repo ? `${prefix}/${repo}` : null;
    } else {
      codeRoot = await this.discoverRoot(modulePath, origin);
      if (codeRoot !== null && codeRoot !== prefix && !codeRoot.startsWith(`${prefix}/`)) codeRoot = null;
    }
    if (codeRoot === null || !isModulePath(codeRoot)) return null;
    return { origin, codeRoot, repoUrl: repoUrlFor(origin, codeRoot) };
  }
}

/** Only well-formed import paths make repository URLs (no `%` escapes or `..` for git to decode). */
function isModulePath(path: string): boolean {
  try {
    checkPath(path);
    return true;
  } catch {
    return false;
  }
}

export function repoUrlFor(origin: OriginConfig, codeRoot: string): string {
  const repo = codeRoot.slice(patternPrefix(origin.pattern).length + 1);
  return origin.url.replaceAll('{root}', codeRoot).replaceAll('{repo}', repo);
}
