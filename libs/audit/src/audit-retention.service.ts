import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { BLOB_STORE, type BlobStore } from '#storage';
import { GENESIS_HASH } from './audit-event.js';
import { AuditEventRepository, type AuditCheckpoint } from './audit-event.repository.js';
import { ndjsonLine } from './audit-export.service.js';
import { checkLink } from './audit-verify.service.js';
import { AuditWriter } from './audit-writer.service.js';

const gzipAsync = promisify(gzip);

const DAY_MS = 86_400_000;
const FIRST_RUN_MS = 60_000;
const INTERVAL_MS = 3_600_000;
/** Events per archive file at most (a run writes as many files as it needs). */
const MAX_EVENTS_PER_ARCHIVE = 50_000;
const READ_BATCH = 5000;

/** The blob key of an archived seq range: sorts in chain order. */
export function archiveKey(firstSeq: number, lastSeq: number): string {
  return `audit/archive/${String(firstSeq).padStart(12, '0')}-${String(lastSeq).padStart(12, '0')}.ndjson.gz`;
}

/**
 * Retention: events older than MODGATE_AUDIT_RETENTION_DAYS are written to the blob store as
 * gzipped NDJSON (`audit/archive/<first seq>-<last seq>.ndjson.gz`, chain fields included, so
 * an archive can be verified on its own), then a checkpoint row {last seq, last hash} is committed
 * together with their deletion, and the rest of the chain verifies from that checkpoint. Only a
 * prefix of the chain is archived, and only after its links have been checked. Hourly, one replica
 * at a time.
 */
@Injectable()
export class AuditRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditRetention');
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<unknown> | null = null;

  constructor(
    @Inject(MODGATE_CONFIG) private readonly config: ModgateConfig,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    private readonly repository: AuditEventRepository,
    private readonly writer: AuditWriter,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.audit.enabled || this.config.audit.retentionDays === 0) return;
    const run = () => {
      this.running ??= this.archiveExpired()
        .catch((err: Error) => this.logger.error(`archiving expired audit events failed: ${err.message}`))
        .finally(() => (this.running = null));
    };
    this.timers.push(setTimeout(run, FIRST_RUN_MS).unref(), setInterval(run, INTERVAL_MS).unref());
  }

  async onApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    await this.running;
  }

  /** Archives and deletes every event older than the retention period; returns the checkpoints written. */
  async archiveExpired(now = new Date()): Promise<AuditCheckpoint[]> {
    const cutoff = new Date(now.getTime() - this.config.audit.retentionDays * DAY_MS);
    return this.repository.sql.withLock('modgate:audit-retention', async () => {
      const written: AuditCheckpoint[] = [];
      for (let checkpoint = await this.archiveOnce(cutoff); checkpoint; checkpoint = await this.archiveOnce(cutoff)) {
        written.push(checkpoint);
        this.logger.log(`archived audit events ${checkpoint.firstSeq}-${checkpoint.lastSeq} to ${checkpoint.archiveKey}`);
      }
      return written;
    });
  }

  private async archiveOnce(cutoff: Date): Promise<AuditCheckpoint | null> {
    const previous = await this.repository.latestCheckpoint();
    const start = previous?.lastSeq ?? 0;
    const head = await this.repository.head();
    const unexpired = await this.repository.firstUnexpiredSeq(start, cutoff);
    const end = Math.min(unexpired === null ? head.seq : unexpired - 1, start + MAX_EVENTS_PER_ARCHIVE);
    if (end <= start) return null;

    let prev = previous?.lastHash ?? GENESIS_HASH;
    let expected = start + 1;
    let fromTime: Date | null = null;
    let toTime: Date | null = null;
    const lines: string[] = [];
    for (let after = start; after < end; ) {
      const events = await this.repository.chainSlice(after, end, READ_BATCH);
      if (events.length === 0) break;
      for (const event of events) {
        const broken = checkLink(event, expected, prev);
        if (broken) throw new Error(`not archiving: the chain is broken at seq ${broken.seq} (id ${broken.id}): ${broken.reason}`);
        prev = event.hash;
        expected++;
        if (!fromTime || event.time < fromTime) fromTime = event.time;
        if (!toTime || event.time > toTime) toTime = event.time;
        lines.push(ndjsonLine(event));
      }
      after = events[events.length - 1]!.seq;
    }
    if (expected - 1 !== end || !fromTime || !toTime) throw new Error(`not archiving: events ${expected} to ${end} are missing from the chain`);

    const key = archiveKey(start + 1, end);
    const stored = await this.store.put(key, await gzipAsync(Buffer.from(lines.join(''))));
    const checkpoint: AuditCheckpoint = {
      firstSeq: start + 1,
      lastSeq: end,
      lastHash: prev,
      events: end - start,
      fromTime,
      toTime,
      archiveKey: key,
      archiveSha256: stored.sha256,
    };
    await this.repository.commitArchive(checkpoint);
    await this.writer
      .record({
        action: 'audit.archive',
        principal: { kind: 'system', name: 'retention', groups: [] },
        status: 200,
        artifact: key,
        detail: { firstSeq: checkpoint.firstSeq, lastSeq: checkpoint.lastSeq, lastHash: checkpoint.lastHash, events: checkpoint.events, archiveSha256: checkpoint.archiveSha256 },
      })
      .catch((err: Error) => this.logger.warn(`archive of ${key} done, but its audit event was not recorded: ${err.message}`));
    return checkpoint;
  }
}
