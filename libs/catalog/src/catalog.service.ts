import { Inject, Injectable } from '@nestjs/common';
import { InvalidRequestError, RecordNotFoundError, type Principal } from '#auth';
import { DATABASE, type Database } from '#db';
import { ModuleAccess } from '#policy';
import { CatalogRepository, type CatalogEntry, type ModuleSummary, type VersionDetail } from './catalog.repository.js';
import { decodePageToken, encodePageToken } from './page-token.js';
import { collectVisible } from './visible-page.js';

/** Rows read per database round trip while filtering by what the caller may read. */
const SCAN_BATCH = 2000;
/** Days of pull history on a module page. */
export const PULL_HISTORY_DAYS = 90;

/** `GET /catalog` (Athens): `next` is absent on the last page. */
export interface CatalogPage {
  modules: Array<{ module: string; version: string }>;
  next?: string;
}

export interface ModuleSearchPage {
  modules: ModuleSummary[];
  next: string | null;
}

/** A module page: its versions with their deny status, pulls per day and tag events. */
export interface ModuleDetail {
  module: string;
  source: 'upstream' | 'private';
  size: number;
  pulls: number;
  versions: Array<VersionDetail & { blocked: string | null }>;
  pullsByDay: Array<{ day: string; pulls: number; requests: number }>;
  tagEvents: Awaited<ReturnType<CatalogRepository['tagEventsOf']>>;
}

/**
 * What the registry holds, as far as the caller may know it: `/catalog` and `/index` list the
 * versions the caller may pull (role bindings and deny rules, exactly as a pull is decided);
 * `/api/modules` lists the modules the caller may read or administer, with deny status. Anything
 * else is skipped without a trace: no count, no gap, the same 404 as a module never fetched.
 */
@Injectable()
export class CatalogService {
  readonly repository: CatalogRepository;

  constructor(
    @Inject(DATABASE) db: Database,
    private readonly access: ModuleAccess,
  ) {
    this.repository = new CatalogRepository(db.sql);
  }

  async catalog(principal: Principal, token: string | undefined, pageSize: number): Promise<CatalogPage> {
    let after: CatalogEntry | null = null;
    if (token) {
      const position = decodePageToken(token, 2);
      if (!position) throw new InvalidRequestError('token is not a page token of this catalog');
      after = { modulePath: position[0]!, version: position[1]!, firstFetchedAt: new Date(0) };
    }
    const page = await collectVisible<CatalogEntry>(
      (position, limit) => this.repository.catalogPage(position, limit),
      (entry) => this.access.canRead(principal, entry.modulePath, entry.version),
      after,
      pageSize,
      Math.max(pageSize, SCAN_BATCH),
    );
    return {
      modules: page.items.map((e) => ({ module: e.modulePath, version: e.version })),
      ...(page.next ? { next: encodePageToken([page.next.modulePath, page.next.version]) } : {}),
    };
  }

  /** `GET /index`: versions first fetched at or after `since`, oldest first, as NDJSON lines. */
  async index(principal: Principal, since: Date, limit: number): Promise<string> {
    const page = await collectVisible<CatalogEntry>(
      (position, batch) => this.repository.indexPage(since, position, batch),
      (entry) => this.access.canRead(principal, entry.modulePath, entry.version),
      null,
      limit,
      Math.max(limit, SCAN_BATCH),
    );
    return page.items.map((e) => `${JSON.stringify({ Path: e.modulePath, Version: e.version, Timestamp: e.firstFetchedAt.toISOString() })}\n`).join('');
  }

  async searchModules(principal: Principal, query: string, after: string | undefined, limit: number): Promise<ModuleSearchPage> {
    const page = await collectVisible<Pick<ModuleSummary, 'modulePath'>>(
      (position, batch) => this.repository.searchModules(query, position?.modulePath ?? '', batch),
      (summary) => this.access.mayKnowOf(principal, summary.modulePath),
      after ? { modulePath: after } : null,
      limit,
      Math.max(limit * 2, 100),
    );
    return { modules: page.items as ModuleSummary[], next: page.next?.modulePath ?? null };
  }

  async module(principal: Principal, modulePath: string): Promise<ModuleDetail> {
    const notFound = new RecordNotFoundError(`module ${modulePath} is not in the cache`);
    if (!this.access.mayKnowOf(principal, modulePath)) throw notFound;
    const versions = await this.repository.versionsOf(modulePath);
    if (versions.length === 0) throw notFound;
    const from = new Date(Date.now() - PULL_HISTORY_DAYS * 86_400_000);
    const [pullsByDay, tagEvents] = await Promise.all([this.repository.pullsByDay(modulePath, from), this.repository.tagEventsOf(modulePath)]);
    return {
      module: modulePath,
      source: versions[0]!.source,
      size: versions.reduce((sum, v) => sum + v.size, 0),
      pulls: versions.reduce((sum, v) => sum + v.pulls, 0),
      versions: versions.map((v) => ({ ...v, blocked: this.access.blockReason(modulePath, v.version) })),
      pullsByDay,
      tagEvents,
    };
  }
}
