import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditWriter, auditPrincipal } from '#audit';
import type { Principal } from '#auth';
import { DATABASE, type Database } from '#db';
import { BLOB_STORE, type BlobStore } from '#storage';
import { artifactOfKey } from './artifact-blob-key.js';
import { artifactIdKey, type ArtifactId } from './catalog.repository.js';
import { CatalogService } from './catalog.service.js';

/** Blobs younger than this may belong to a fill in flight (its row is written after the blob): never orphans. */
export const DEFAULT_GC_MIN_AGE_SECONDS = 3600;
const CHECK_BATCH = 500;

export interface OrphanBlob {
  key: string;
  size: number;
  modifiedAt: Date;
}

export interface GcReport {
  dryRun: boolean;
  minAgeSeconds: number;
  /** Artifact blobs looked at (other blobs, such as audit archives, are never touched). */
  scanned: number;
  orphans: OrphanBlob[];
  /** Orphans younger than the minimum age, left alone. */
  tooYoung: number;
  removed: number;
  removedBytes: number;
}

/**
 * Orphan blobs: artifact blobs in the store with no artifact row (a crash between the write and
 * the row, or a failed eviction). A fill writes its blob, then its row, holding the artifact's
 * lock: a blob is only an orphan when it is older than the minimum age, and each one is deleted
 * holding that same lock after checking again that no row appeared.
 */
@Injectable()
export class BlobGcService {
  private readonly logger = new Logger('StorageGc');

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    private readonly catalog: CatalogService,
    private readonly audit: AuditWriter,
  ) {}

  async collect(options: { dryRun: boolean; minAgeSeconds?: number }, principal: Principal): Promise<GcReport> {
    const minAgeSeconds = options.minAgeSeconds ?? DEFAULT_GC_MIN_AGE_SECONDS;
    const cutoff = Date.now() - minAgeSeconds * 1000;
    const report: GcReport = { dryRun: options.dryRun, minAgeSeconds, scanned: 0, orphans: [], tooYoung: 0, removed: 0, removedBytes: 0 };
    let batch: Array<{ id: ArtifactId; blob: OrphanBlob }> = [];
    const check = async () => {
      const recorded = await this.catalog.repository.recordedArtifacts(batch.map((b) => b.id));
      for (const { id, blob } of batch) {
        if (recorded.has(artifactIdKey(id))) continue;
        if (blob.modifiedAt.getTime() > cutoff) report.tooYoung++;
        else report.orphans.push(blob);
      }
      batch = [];
    };
    for await (const blob of this.store.list()) {
      const id = artifactOfKey(blob.key);
      if (!id) continue;
      report.scanned++;
      batch.push({ id, blob: { key: blob.key, size: blob.size, modifiedAt: blob.modifiedAt } });
      if (batch.length === CHECK_BATCH) await check();
    }
    await check();
    if (!options.dryRun) {
      for (const orphan of report.orphans) {
        if (await this.removeIfOrphan(orphan.key)) {
          report.removed++;
          report.removedBytes += orphan.size;
        }
      }
      if (report.removed > 0) this.logger.log(`removed ${report.removed} orphan blob(s), ${report.removedBytes} bytes`);
    }
    await this.audit.record({
      action: 'storage.gc',
      principal: auditPrincipal(principal),
      status: 200,
      detail: { dryRun: options.dryRun, minAgeSeconds, scanned: report.scanned, orphans: report.orphans.length, removed: report.removed, removedBytes: report.removedBytes },
    });
    return report;
  }

  /** Under the artifact's fill lock (libs/proxy ArtifactService): no fill can be recording it meanwhile. */
  private removeIfOrphan(key: string): Promise<boolean> {
    const id = artifactOfKey(key)!;
    return this.db.sql.withLock(`artifact:${key}`, async () => {
      if ((await this.catalog.repository.recordedArtifacts([id])).size > 0) return false;
      await this.store.delete(key);
      return true;
    });
  }
}
