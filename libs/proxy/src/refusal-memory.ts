import { Inject, Injectable, Logger } from '@nestjs/common';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { RefusalRepository, type ArtifactKind, type KnownRefusal } from '#db';
import { GoneError, NotFoundError, UnavailableError } from './errors.js';
import { ModuleSourceRouter } from './module-source.router.js';

/** Every this many recorded refusals, expired rows are deleted (the table stays small). */
const PRUNE_EVERY = 500;

/**
 * Remembers refused requests so they are answered from a row, not by running git (or asking the
 * upstream) again. Refused content of a private module (410: an invalid zip, a wrong module path
 * at a tag, a commit that is no valid pseudo-version) is kept until the repository's refs change,
 * since the same refs give the same refusal; "not found" (404), and anything an upstream refused,
 * is kept for `notFoundTtlSeconds`.
 */
@Injectable()
export class RefusalMemory {
  private readonly logger = new Logger('Refusals');
  private readonly notFoundTtlMs: number;
  private recorded = 0;

  constructor(
    @Inject(MODGATE_CONFIG) config: ModgateConfig,
    private readonly refusals: RefusalRepository,
    private readonly router: ModuleSourceRouter,
  ) {
    this.notFoundTtlMs = config.cache.notFoundTtlSeconds * 1000;
  }

  /**
   * Runs `resolve` unless the same request was refused (then throws that refusal again); remembers a
   * new refusal. `known`: the refusal in force as the caller already looked it up (null: none).
   */
  async guard<T>(modulePath: string, version: string, kind: ArtifactKind, resolve: () => Promise<T>, known?: KnownRefusal | null): Promise<T> {
    const refusal = known === undefined ? await this.find(modulePath, version, kind) : known;
    if (refusal) throw refusalError(refusal);
    try {
      return await resolve();
    } catch (err) {
      if (err instanceof NotFoundError || err instanceof GoneError) await this.remember(modulePath, version, kind, err);
      throw err;
    }
  }

  private async find(modulePath: string, version: string, kind: ArtifactKind) {
    try {
      return await this.refusals.find(modulePath, version, kind);
    } catch (err) {
      throw new UnavailableError(`database unavailable: ${(err as Error).message}`);
    }
  }

  private async remember(modulePath: string, version: string, kind: ArtifactKind, err: NotFoundError | GoneError): Promise<void> {
    const untilRefsChange = err instanceof GoneError && this.router.isPrivate(modulePath);
    if (!untilRefsChange && this.notFoundTtlMs === 0) return;
    const expiresAt = untilRefsChange ? null : new Date(Date.now() + this.notFoundTtlMs);
    try {
      await this.refusals.record({ modulePath, version, kind, status: err.status, message: err.message, expiresAt });
      if (++this.recorded % PRUNE_EVERY === 0) await this.refusals.pruneExpired();
    } catch (failure) {
      // The refusal itself is still answered; only its memory is lost.
      this.logger.warn(`cannot record the refusal of ${modulePath}@${version}: ${(failure as Error).message}`);
    }
  }
}

/** The error a remembered refusal is answered with again. */
function refusalError(refusal: KnownRefusal): GoneError | NotFoundError {
  return refusal.status === 410 ? new GoneError(refusal.message) : new NotFoundError(refusal.message);
}
