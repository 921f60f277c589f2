import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuditWriter, type AuditPrincipal } from '#audit';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { DATABASE, type Database } from '#db';
import { ArtifactService, artifactKey } from '#proxy';
import { BLOB_STORE, type BlobStore } from '#storage';
import { CatalogService } from './catalog.service.js';
import { PullCounter } from './pull-counter.service.js';

const INTERVAL_MS = 3_600_000;
const BATCH = 500;
/** A dry run lists at most this many versions. */
const DRY_RUN_MAX = 10_000;
const KINDS = ['info', 'mod', 'zip'] as const;
const SYSTEM: AuditPrincipal = { kind: 'system', name: 'eviction', groups: [] };

export interface EvictionReport {
  dryRun: boolean;
  days: number;
  cutoff: Date;
  /** Public versions not pulled since the cutoff: those that would go (dry run, at most 10,000), or those removed. */
  versions: Array<{ module: string; version: string; lastUsedAt: Date }>;
  removedBytes: number;
}

/**
 * The opt-in eviction policy (MODGATE_EVICT_UNPULLED_DAYS): public versions not pulled for that
 * many days lose their artifacts, hourly; private versions never (they may exist nowhere else).
 * The next pull of an evicted version fetches it from the upstream again. Each version is removed
 * holding the fill locks of its three artifacts, rows first and blobs after (a failed blob delete
 * leaves an orphan for the GC), and each eviction is an audit event.
 */
@Injectable()
export class EvictionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Eviction');
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> | null = null;

  constructor(
    @Inject(MODGATE_CONFIG) private readonly config: ModgateConfig,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    private readonly catalog: CatalogService,
    private readonly artifacts: ArtifactService,
    private readonly audit: AuditWriter,
    private readonly pullCounter: PullCounter,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.cache.evictUnpulledDays === 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.evict({ dryRun: false, days: this.config.cache.evictUnpulledDays }, SYSTEM)
        .catch((err: Error) => this.logger.warn(`eviction failed: ${err.message}`))
        .finally(() => (this.running = null));
    }, INTERVAL_MS).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass; across replicas one at a time. */
  evict(options: { dryRun: boolean; days: number }, principal: AuditPrincipal): Promise<EvictionReport> {
    return this.db.sql.withLock('modgate:eviction', () => this.pass(options, principal));
  }

  private async pass({ dryRun, days }: { dryRun: boolean; days: number }, principal: AuditPrincipal): Promise<EvictionReport> {
    // The last seconds' pulls count too: a version pulled just now is not unused.
    await this.pullCounter.catchUp();
    const cutoff = new Date(Date.now() - days * 86_400_000);
    const report: EvictionReport = { dryRun, days, cutoff, versions: [], removedBytes: 0 };
    if (dryRun) {
      const candidates = await this.catalog.repository.unusedPublicVersions(cutoff, DRY_RUN_MAX);
      report.versions = candidates.map((c) => ({ module: c.modulePath, version: c.version, lastUsedAt: c.lastUsedAt }));
      return report;
    }
    // Each batch is what is left: evicted versions, and those pulled meanwhile, drop out of the query.
    const skipped = new Set<string>();
    for (;;) {
      const candidates = (await this.catalog.repository.unusedPublicVersions(cutoff, BATCH + skipped.size)).filter((c) => !skipped.has(`${c.modulePath}@${c.version}`));
      if (candidates.length === 0) break;
      for (const candidate of candidates) {
        const bytes = await this.evictOne(candidate.modulePath, candidate.version, cutoff);
        if (bytes === null) {
          skipped.add(`${candidate.modulePath}@${candidate.version}`);
          continue;
        }
        report.removedBytes += bytes;
        report.versions.push({ module: candidate.modulePath, version: candidate.version, lastUsedAt: candidate.lastUsedAt });
        await this.audit.record({
          action: 'storage.evict',
          principal,
          module: candidate.modulePath,
          version: candidate.version,
          status: 200,
          bytes,
          detail: { days, lastUsedAt: candidate.lastUsedAt.toISOString() },
        });
      }
    }
    if (!dryRun && report.versions.length > 0) this.logger.log(`evicted ${report.versions.length} public version(s) not pulled for ${days} days, ${report.removedBytes} bytes`);
    return report;
  }

  /** Bytes removed, or null when the version was pulled meanwhile (or is not public). */
  private async evictOne(modulePath: string, version: string, cutoff: Date): Promise<number | null> {
    const keys = KINDS.map((kind) => artifactKey(modulePath, version, kind));
    const locked = keys.reduce<() => Promise<number | null>>(
      (inner, key) => () => this.db.sql.withLock(`artifact:${key}`, inner),
      async () => {
        const sizes = await Promise.all(keys.map((key) => this.store.stat(key).then((s) => s.size, () => 0)));
        const kinds = await this.catalog.repository.evict(modulePath, version, cutoff);
        if (kinds.length === 0) return null;
        this.artifacts.forget(modulePath, version);
        let bytes = 0;
        for (const kind of kinds) {
          const i = KINDS.indexOf(kind as (typeof KINDS)[number]);
          await this.store.delete(keys[i]!).catch((err: Error) => this.logger.warn(`cannot delete ${keys[i]} (an orphan for the GC now): ${err.message}`));
          bytes += sizes[i] ?? 0;
        }
        return bytes;
      },
    );
    return locked();
  }
}
