import { Inject, Injectable, Logger, Optional, type BeforeApplicationShutdown } from '@nestjs/common';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { recordAuditCommit, setAuditQueueDepth } from '#metrics';
import { normalizeEvent, type AuditEventFields, type AuditEventInput } from './audit-event.js';
import { AuditEventRepository } from './audit-event.repository.js';
import { AuditUnavailableError } from './audit.errors.js';

interface Pending {
  event: AuditEventFields;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** Tuning of the group commit; the defaults suit production. */
export interface AuditWriterOptions {
  /** Events per transaction at most. */
  maxBatch: number;
  /** A commit not done after this long fails its events (the pulls get 503). */
  commitTimeoutMs: number;
  /** Events waiting at most; beyond it record() fails at once (the database is not keeping up). */
  maxQueue: number;
}

export const DEFAULT_WRITER_OPTIONS: AuditWriterOptions = { maxBatch: 1000, commitTimeoutMs: 10_000, maxQueue: 100_000 };

/** Injection token of the writer's options (optional; tests shorten the timeout). */
export const AUDIT_WRITER_OPTIONS = Symbol('AUDIT_WRITER_OPTIONS');

/**
 * The only writer of the audit log: group commit. `record()` queues an event and resolves once it
 * is committed. The first event into an idle writer is flushed on the next turn of the event
 * loop; events arriving while commits run wait and go together in the next batch, so under load
 * each transaction carries many events and the wait stays about one commit long.
 */
@Injectable()
export class AuditWriter implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private readonly options: AuditWriterOptions;
  private queue: Pending[] = [];
  /** Events of the batch being committed now (for the queue depth metric). */
  private committing = 0;
  private flushing: Promise<void> | null = null;
  private scheduled = false;

  constructor(
    @Inject(MODGATE_CONFIG) private readonly config: ModgateConfig,
    private readonly repository: AuditEventRepository,
    @Optional() @Inject(AUDIT_WRITER_OPTIONS) options?: Partial<AuditWriterOptions>,
  ) {
    this.options = { ...DEFAULT_WRITER_OPTIONS, ...options };
  }

  /** False only with MODGATE_AUDIT=off (benchmarks): then record() does nothing. */
  get enabled(): boolean {
    return this.config.audit.enabled;
  }

  /**
   * Records one event; resolves when it is durable in the chain, rejects with
   * AuditUnavailableError when it could not be committed. Never pass a secret.
   */
  record(input: AuditEventInput): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    let event: AuditEventFields;
    try {
      event = normalizeEvent(input, 0);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    if (this.queue.length >= this.options.maxQueue) {
      return Promise.reject(new AuditUnavailableError(`audit queue full (${this.options.maxQueue} events waiting for the database)`));
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      setAuditQueueDepth(this.queue.length + this.committing);
      this.kick();
    });
  }

  /** Resolves when every event queued so far has been committed or failed. */
  async drain(): Promise<void> {
    while (this.scheduled || this.flushing || this.queue.length > 0) {
      this.kick();
      await (this.flushing ?? new Promise((resolve) => setImmediate(resolve)));
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
  }

  /** One batch at a time: a second statement waiting at the head row's lock measured slower here. */
  private kick(): void {
    if (this.scheduled || this.flushing || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flushing = this.flushQueue().finally(() => {
        this.flushing = null;
        this.kick();
      });
    });
  }

  private async flushQueue(): Promise<void> {
    while (this.queue.length > 0) await this.flush(this.queue.splice(0, this.options.maxBatch));
  }

  private async flush(batch: Pending[]): Promise<void> {
    this.committing = batch.length;
    const started = performance.now();
    try {
      await this.commit(batch.map((p) => p.event));
      recordAuditCommit(batch.length, true, (performance.now() - started) / 1000);
      for (const p of batch) p.resolve();
    } catch (err) {
      recordAuditCommit(batch.length, false, (performance.now() - started) / 1000);
      const error = err instanceof AuditUnavailableError ? err : new AuditUnavailableError(`audit log unavailable: ${(err as Error).message.split('\n')[0]}`);
      this.logger.error(`${batch.length} audit event(s) not committed: ${error.message}`);
      for (const p of batch) p.reject(error);
    } finally {
      this.committing = 0;
      setAuditQueueDepth(this.queue.length);
    }
  }

  private commit(events: AuditEventFields[]): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AuditUnavailableError(`audit commit took over ${this.options.commitTimeoutMs} ms`)), this.options.commitTimeoutMs);
    });
    return Promise.race([this.repository.append(events), timeout]).finally(() => clearTimeout(timer));
  }
}
