import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditWriter, type AuditPrincipal } from '#audit';
import { AuthEvents } from '#auth';
import { DATABASE, type Database } from '#db';
import { recordVulnImport } from '#metrics';
import { AdvisoryIndexService } from './advisory-index.service.js';
import type { FeedSource } from './feed-source.js';
import { FeedError } from './osv-entry.js';
import { DEFAULT_FEED_LIMITS, readFeed, type FeedLimits } from './read-feed.js';
import { VulnRepository } from './vuln.repository.js';

/** Injection token of the feed limits (optional; tests make them small). */
export const FEED_LIMITS = Symbol('FEED_LIMITS');

/** What one import did. */
export interface ImportResult {
  source: string;
  /** Advisories in the feed. */
  total: number;
  /** Ids added or changed (their `modified` moved). */
  changed: string[];
  removed: string[];
  generation: number;
  importedAt: string;
}

/**
 * Imports a vulnerability database: one import at a time across replicas (advisory lock), only
 * the entries whose `modified` changed, all of it in one transaction after everything was read
 * and checked, then every replica's index is refreshed. Each import is audited (`vulndb.import`),
 * also a refused one.
 */
@Injectable()
export class VulnImportService {
  private readonly logger = new Logger('Vulnerabilities');
  private readonly limits: FeedLimits;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly repository: VulnRepository,
    private readonly index: AdvisoryIndexService,
    private readonly events: AuthEvents,
    private readonly audit: AuditWriter,
    @Inject(FEED_LIMITS) limits: FeedLimits | null,
  ) {
    this.limits = limits ?? DEFAULT_FEED_LIMITS;
  }

  /** Throws FeedError (nothing imported) when the feed is malformed, hostile or unreachable. */
  async import(source: FeedSource, by: AuditPrincipal): Promise<ImportResult> {
    const started = Date.now();
    try {
      const result = await this.db.sql.withLock('modgate:vulndb-import', () => this.importLocked(source));
      recordVulnImport(result.changed.length + result.removed.length > 0 ? 'changed' : 'unchanged');
      await this.record(by, 200, null, { source: source.description, total: result.total, changed: result.changed.length, removed: result.removed.length, generation: result.generation, durationMs: Date.now() - started });
      return result;
    } catch (err) {
      const refused = err instanceof FeedError;
      recordVulnImport(refused ? 'refused' : 'error');
      const reason = (err as Error).message.split('\n')[0]!;
      this.logger.warn(`vulnerability database import from ${source.description} ${refused ? 'refused' : 'failed'}: ${reason}`);
      await this.record(by, refused ? 400 : 500, reason, { source: source.description });
      throw err;
    }
  }

  private async importLocked(source: FeedSource): Promise<ImportResult> {
    const update = await readFeed(source, await this.repository.storedModified(), this.limits);
    const storedDb = await this.repository.indexFile('index/db.json');
    const unchanged = update.changed.length === 0 && update.removed.length === 0 && storedDb?.equals(update.indexFiles.get('index/db.json')!) === true;
    let state = await this.repository.state();
    if (!unchanged || !state) {
      state = await this.repository.apply(update, source.description);
      await this.index.refresh();
      await this.events.publish({ type: 'vulndb-changed' });
      this.logger.log(`vulnerability database imported from ${source.description}: ${update.changed.length} changed, ${update.removed.length} removed, ${update.total} in all`);
    }
    return {
      source: source.description,
      total: update.total,
      changed: update.changed.map((c) => c.entry.id),
      removed: update.removed,
      generation: state.generation,
      importedAt: state.importedAt.toISOString(),
    };
  }

  private async record(principal: AuditPrincipal, status: number, reason: string | null, detail: Record<string, string | number>): Promise<void> {
    await this.audit.record({ action: 'vulndb.import', principal, status, reason, detail }).catch((err: Error) => this.logger.warn(`import not audited: ${err.message}`));
  }
}
