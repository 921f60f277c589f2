import type { ModuleSource } from '#upstream';

/** Answers whether a module path belongs to a private origin. */
export interface PrivatePathClaims {
  claims(modulePath: string): unknown;
}

/**
 * Picks the origin of a module path: a private origin when one claims the path (such paths never
 * reach the public upstream), otherwise the public upstream chain.
 */
export class ModuleSourceRouter {
  constructor(
    private readonly upstream: ModuleSource,
    private readonly privateSource?: ModuleSource,
    private readonly privatePaths?: PrivatePathClaims,
  ) {}

  sourceFor(modulePath: string): ModuleSource {
    if (this.privateSource && this.privatePaths?.claims(modulePath)) return this.privateSource;
    return this.upstream;
  }

  isPrivate(modulePath: string): boolean {
    return Boolean(this.privatePaths?.claims(modulePath));
  }
}
