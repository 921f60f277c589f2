import type { OriginConfig } from '#config';

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
  constructor(
    readonly origins: OriginConfig[],
    private readonly discoverRoot: (modulePath: string, origin: OriginConfig) => Promise<string | null> = async () => null,
  ) {}

  /**
   * The origin claiming `modulePath`, or null. An origin claims its pattern's prefix, everything
   * below it, and every parent of the prefix: the go command probes parents of a path it resolves
   * (`git.corp.example/acme`, `git.corp.example`), and those must not reveal private host names
   * to the public upstream either.
   */
  claims(modulePath: string): OriginConfig | null {
    for (const origin of this.origins) {
      const prefix = patternPrefix(origin.pattern);
      if (modulePath === prefix || modulePath.startsWith(`${prefix}/`) || prefix.startsWith(`${modulePath}/`)) return origin;
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
    if (codeRoot === null) return null;
    return { origin, codeRoot, repoUrl: repoUrlFor(origin, codeRoot) };
  }
}

export function repoUrlFor(origin: OriginConfig, codeRoot: string): string {
  const repo = codeRoot.slice(patternPrefix(origin.pattern).length + 1);
  return origin.url.replaceAll('{root}', codeRoot).replaceAll('{repo}', repo);
}
