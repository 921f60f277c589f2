import { Inject, Injectable, Logger } from '@nestjs/common';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { ArtifactRepository, VersionIndexRepository, type VersionIndex } from '#db';
import { isCanonicalVersion, isPseudoVersion, sortVersions } from '#gomod';
import { recordFlightWait } from '#metrics';
import type { VersionInfo } from '#upstream';
import { NotFoundError, UnavailableError, UpstreamError } from './errors.js';
import { ModuleSourceRouter } from './module-source.router.js';
import { RefusalMemory } from './refusal-memory.js';
import { SingleFlight } from './single-flight.js';
import { fromSource } from './source-errors.js';

/** An answer from the version index, and whether it is past its TTL (origin unreachable). */
export interface IndexAnswer<T> {
  value: T;
  stale: boolean;
}

/**
 * `@v/list` and `@latest`, answered from Postgres and refreshed from the origin once older than
 * the TTL: exactly what the origin computes (for a private module, what the go command computes
 * from git in direct mode), never widened by what was downloaded. When the origin is down the
 * last answer is served stale (a public module never listed before: its downloaded versions).
 */
@Injectable()
export class ModuleIndexService {
  private readonly logger = new Logger('ModuleIndex');
  private readonly listFlights = new SingleFlight<IndexAnswer<string[]>>();
  private readonly latestFlights = new SingleFlight<IndexAnswer<LatestAnswer>>();
  private readonly ttlMs: number;

  constructor(
    @Inject(MODGATE_CONFIG) config: ModgateConfig,
    private readonly index: VersionIndexRepository,
    private readonly artifacts: ArtifactRepository,
    private readonly router: ModuleSourceRouter,
    private readonly refusals: RefusalMemory,
  ) {
    this.ttlMs = config.cache.listTtlSeconds * 1000;
  }

  list(modulePath: string): Promise<IndexAnswer<string[]>> {
    if (this.listFlights.has(modulePath)) recordFlightWait('list');
    return this.listFlights.do(modulePath, async () => {
      const known = await this.known(modulePath);
      if (known?.versions && this.fresh(known.listFetchedAt)) return { value: known.versions, stale: false };
      return this.fetchList(modulePath, known);
    });
  }

  /**
   * Asks the origin for the list and `@latest` now, whatever their age (hot refresh): requests
   * meanwhile join these fetches. Rejects when the origin fails; the stored answers stay.
   */
  async refresh(modulePath: string, what: 'list' | 'latest'): Promise<void> {
    if (what === 'list') await this.listFlights.do(modulePath, () => this.fetchList(modulePath, null, false));
    else await this.latestFlights.do(modulePath, () => this.fetchLatest(modulePath, null, false));
  }

  /** The origin's list, stored; when it fails, the last one (`serveStale`) or the error. */
  private async fetchList(modulePath: string, known: VersionIndex | null, serveStale = true): Promise<IndexAnswer<string[]>> {
    const source = this.router.sourceFor(modulePath);
    try {
      const lines = await fromSource(`${modulePath} list`, () => source.list(modulePath));
      const versions = listable(lines.map((line) => line.trim().split(/\s+/)[0]!));
      await this.index.saveList(modulePath, source.kind, versions);
      return { value: versions, stale: false };
    } catch (err) {
      if (!serveStale) throw err;
      const last = known?.versions ?? (source.kind === 'upstream' ? await this.storedVersions(modulePath) : []);
      if (last.length > 0) {
        this.logger.warn(`serving the last list of ${modulePath}: ${(err as Error).message}`);
        return { value: last, stale: true };
      }
      throw err;
    }
  }

  /** `@latest`: the origin's answer with its `Origin` when the origin gave one (`body`), else Version and Time. */
  latest(modulePath: string): Promise<IndexAnswer<LatestAnswer>> {
    if (this.latestFlights.has(modulePath)) recordFlightWait('latest');
    return this.latestFlights.do(modulePath, async () => {
      const known = await this.known(modulePath);
      if (known?.latest && this.fresh(known.latestFetchedAt)) return { value: toLatest(known), stale: false };
      return this.fetchLatest(modulePath, known);
    });
  }

  private async fetchLatest(modulePath: string, known: VersionIndex | null, serveStale = true): Promise<IndexAnswer<LatestAnswer>> {
    const source = this.router.sourceFor(modulePath);
    try {
      const { info, raw } = await fromSource(`${modulePath}@latest`, () => source.latest(modulePath));
      if (!isCanonicalVersion(info.Version) || !info.Time) {
        throw new UpstreamError(`${modulePath}@latest: origin answered an invalid version ${JSON.stringify(info.Version)}`);
      }
      const body = latestBody(info, raw);
      await this.index.saveLatest(modulePath, source.kind, { version: info.Version, time: info.Time, info: body });
      return { value: { info: { Version: info.Version, Time: info.Time }, body }, stale: false };
    } catch (err) {
      if (serveStale && known?.latest && !(err instanceof NotFoundError)) {
        this.logger.warn(`serving cached @latest of ${modulePath}: ${(err as Error).message}`);
        return { value: toLatest(known), stale: true };
      }
      throw err;
    }
  }

  /**
   * Stores a version list and @latest computed by a repository sync, so requests are answered
   * from Postgres without touching git until the next sync or TTL.
   */
  async publish(modulePath: string, source: 'upstream' | 'private', versions: string[], latest: { info: VersionInfo; raw?: Buffer } | null): Promise<string[]> {
    const list = listable(versions);
    await this.index.saveList(modulePath, source, list);
    const { info, raw } = latest ?? {};
    if (info?.Time) await this.index.saveLatest(modulePath, source, { version: info.Version, time: info.Time, info: latestBody(info, raw) });
    return list;
  }

  /** Module paths with a stored version list at or below a repository root. */
  knownModulesUnder(codeRoot: string): Promise<string[]> {
    return this.index.modulesUnder(codeRoot);
  }

  /**
   * A non-canonical `.info` query (branch, commit, `v1.2`): resolved by the origin, never stored;
   * a refusal is remembered (see RefusalMemory).
   */
  async query(modulePath: string, query: string): Promise<Buffer> {
    const source = this.router.sourceFor(modulePath);
    return this.refusals.guard(modulePath, query, 'info', async () => (await fromSource(`${modulePath}@${query}`, () => source.info(modulePath, query))).raw);
  }

  private async known(modulePath: string): Promise<VersionIndex | null> {
    try {
      return await this.index.get(modulePath);
    } catch (err) {
      throw new UnavailableError(`database unavailable: ${(err as Error).message}`);
    }
  }

  /**
   * Public modules only, when the upstream is unreachable and no list was ever stored: the
   * versions already downloaded. (A private list is only ever what git computes.)
   */
  private async storedVersions(modulePath: string): Promise<string[]> {
    const stored = [...(await this.artifacts.versionsWith(modulePath, 'info')), ...(await this.artifacts.versionsWith(modulePath, 'mod'))];
    return listable(stored);
  }

  private fresh(fetchedAt: Date | null): boolean {
    return fetchedAt !== null && Date.now() - fetchedAt.getTime() < this.ttlMs;
  }
}

/** An `@latest` answer: the version, and the body to send (with `Origin` when the origin gave one). */
export interface LatestAnswer {
  info: VersionInfo;
  body: string;
}

/**
 * The versions of an origin's list that a list may hold: canonical and not pseudo-versions, each
 * once, in semver order. Nothing is added: what was downloaded never feeds back into a list.
 */
function listable(versions: string[]): string[] {
  return sortVersions([...new Set(versions.filter((v) => isCanonicalVersion(v) && !isPseudoVersion(v)))]);
}

/** The origin's own `@latest` body when it names the same version, else Version and Time alone. */
function latestBody(info: VersionInfo, raw: Buffer | undefined): string {
  if (raw) {
    try {
      const parsed = JSON.parse(raw.toString('utf8')) as { Version?: unknown };
      if (parsed.Version === info.Version) return raw.toString('utf8');
    } catch {
      // not JSON: answer the fields modgate checked
    }
  }
  return JSON.stringify({ Version: info.Version, Time: info.Time });
}

function toLatest(known: VersionIndex): LatestAnswer {
  const info = { Version: known.latest!.version, Time: known.latest!.time };
  return { info, body: known.latestInfo ?? JSON.stringify(info) };
}
