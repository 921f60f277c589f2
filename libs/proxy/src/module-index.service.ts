import { Inject, Injectable, Logger } from '@nestjs/common';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { ArtifactRepository, VersionIndexRepository, type VersionIndex } from '#db';
import { isCanonicalVersion, isPseudoVersion, sortVersions } from '#gomod';
import { recordFlightWait } from '#metrics';
import type { VersionInfo } from '#upstream';
import { NotFoundError, UnavailableError, UpstreamError } from './errors.js';
import { ModuleSourceRouter } from './module-source.router.js';
import { SingleFlight } from './single-flight.js';
import { fromSource } from './source-errors.js';

/** An answer from the version index, and whether it is past its TTL (origin unreachable). */
export interface IndexAnswer<T> {
  value: T;
  stale: boolean;
}

/**
 * `@v/list` and `@latest`, answered from Postgres and refreshed from the origin once older than
 * the TTL. When the origin is down the last answer is served stale; versions already cached keep
 * being listed with no origin at all.
 */
@Injectable()
export class ModuleIndexService {
  private readonly logger = new Logger('ModuleIndex');
  private readonly listFlights = new SingleFlight<IndexAnswer<string[]>>();
  private readonly latestFlights = new SingleFlight<IndexAnswer<VersionInfo>>();
  private readonly ttlMs: number;

  constructor(
    @Inject(MODGATE_CONFIG) config: ModgateConfig,
    private readonly index: VersionIndexRepository,
    private readonly artifacts: ArtifactRepository,
    private readonly router: ModuleSourceRouter,
  ) {
    this.ttlMs = config.cache.listTtlSeconds * 1000;
  }

  list(modulePath: string): Promise<IndexAnswer<string[]>> {
    if (this.listFlights.has(modulePath)) recordFlightWait('list');
    return this.listFlights.do(modulePath, async () => {
      const known = await this.known(modulePath);
      if (known?.versions && this.fresh(known.listFetchedAt)) return { value: known.versions, stale: false };
      const source = this.router.sourceFor(modulePath);
      try {
        const lines = await fromSource(`${modulePath} list`, () => source.list(modulePath));
        const versions = await this.withCached(modulePath, lines.map((line) => line.trim().split(/\s+/)[0]!));
        await this.index.saveList(modulePath, source.kind, versions);
        return { value: versions, stale: false };
      } catch (err) {
        const cached = await this.withCached(modulePath, known?.versions ?? []);
        if (cached.length > 0) {
          this.logger.warn(`serving cached list of ${modulePath}: ${(err as Error).message}`);
          return { value: cached, stale: true };
        }
        throw err;
      }
    });
  }

  latest(modulePath: string): Promise<IndexAnswer<VersionInfo>> {
    if (this.latestFlights.has(modulePath)) recordFlightWait('latest');
    return this.latestFlights.do(modulePath, async () => {
      const known = await this.known(modulePath);
      if (known?.latest && this.fresh(known.latestFetchedAt)) return { value: toInfo(known.latest), stale: false };
      const source = this.router.sourceFor(modulePath);
      try {
        const { info } = await fromSource(`${modulePath}@latest`, () => source.latest(modulePath));
        if (!isCanonicalVersion(info.Version) || !info.Time) {
          throw new UpstreamError(`${modulePath}@latest: origin answered an invalid version ${JSON.stringify(info.Version)}`);
        }
        await this.index.saveLatest(modulePath, source.kind, { version: info.Version, time: info.Time });
        return { value: { Version: info.Version, Time: info.Time }, stale: false };
      } catch (err) {
        if (known?.latest && !(err instanceof NotFoundError)) {
          this.logger.warn(`serving cached @latest of ${modulePath}: ${(err as Error).message}`);
          return { value: toInfo(known.latest), stale: true };
        }
        throw err;
      }
    });
  }

  /**
   * Stores a version list and @latest computed by a repository sync, so requests are answered
   * from Postgres without touching git until the next sync or TTL.
   */
  async publish(modulePath: string, source: 'upstream' | 'private', versions: string[], latest: VersionInfo | null): Promise<string[]> {
    const listable = await this.withCached(modulePath, versions);
    await this.index.saveList(modulePath, source, listable);
    if (latest?.Time) await this.index.saveLatest(modulePath, source, { version: latest.Version, time: latest.Time });
    return listable;
  }

  /** Module paths with a stored version list at or below a repository root. */
  knownModulesUnder(codeRoot: string): Promise<string[]> {
    return this.index.modulesUnder(codeRoot);
  }

  /** A non-canonical `.info` query (branch, commit, `v1.2`): resolved by the origin, never stored. */
  async query(modulePath: string, query: string): Promise<Buffer> {
    const source = this.router.sourceFor(modulePath);
    return (await fromSource(`${modulePath}@${query}`, () => source.info(modulePath, query))).raw;
  }

  private async known(modulePath: string): Promise<VersionIndex | null> {
    try {
      return await this.index.get(modulePath);
    } catch (err) {
      throw new UnavailableError(`database unavailable: ${(err as Error).message}`);
    }
  }

  /** The listable versions: canonical, not pseudo, plus every version whose .info or .mod is stored. */
  private async withCached(modulePath: string, versions: string[]): Promise<string[]> {
    const stored = [...(await this.artifacts.versionsWith(modulePath, 'info')), ...(await this.artifacts.versionsWith(modulePath, 'mod'))];
    const listable = new Set([...versions, ...stored].filter((v) => isCanonicalVersion(v) && !isPseudoVersion(v)));
    return sortVersions([...listable]);
  }

  private fresh(fetchedAt: Date | null): boolean {
    return fetchedAt !== null && Date.now() - fetchedAt.getTime() < this.ttlMs;
  }
}

function toInfo(latest: { version: string; time: string }): VersionInfo {
  return { Version: latest.version, Time: latest.time };
}
