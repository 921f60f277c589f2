import { UpstreamNotFoundError, type ModuleSource } from '#upstream';

/** Answers whether a module path belongs to a private origin. */
export interface PrivatePathClaims {
  claims(modulePath: string): unknown;
  /** The origin's spelling of a path it claims only when case is ignored; null otherwise. */
  configuredSpelling(modulePath: string): string | null;
}

/**
 * Picks the origin of a module path: a private origin when one claims the path (such paths never
 * reach the public upstream), otherwise the public upstream chain. A case variant of a private
 * path (`github.com/Acme/x` for an origin `github.com/acme/*`) is private too, and answered "not
 * found" naming the configured spelling, without asking any origin.
 */
export class ModuleSourceRouter {
  constructor(
    private readonly upstream: ModuleSource,
    private readonly privateSource?: ModuleSource,
    private readonly privatePaths?: PrivatePathClaims,
  ) {}

  sourceFor(modulePath: string): ModuleSource {
    if (!this.privateSource || !this.privatePaths?.claims(modulePath)) return this.upstream;
    const spelled = this.privatePaths.configuredSpelling(modulePath);
    return spelled === null ? this.privateSource : new CaseVariantSource(spelled);
  }

  isPrivate(modulePath: string): boolean {
    return Boolean(this.privatePaths?.claims(modulePath));
  }
}

/** Answers every request for a case variant of a private path with "not found". */
class CaseVariantSource implements ModuleSource {
  readonly kind = 'private' as const;

  constructor(private readonly spelled: string) {}

  private refuse(): Promise<never> {
    return Promise.reject(new UpstreamNotFoundError(`not found: a case variant of the private path ${this.spelled}, which is served only as spelled there`));
  }

  list = () => this.refuse();
  latest = () => this.refuse();
  info = () => this.refuse();
  mod = () => this.refuse();
  zipToFile = () => this.refuse();
}
