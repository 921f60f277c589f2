import cluster from 'node:cluster';
import { Inject, Injectable, Logger, Optional, type BeforeApplicationShutdown } from '@nestjs/common';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { recordAuditCommit, setAuditQueueDepth } from '#metrics';
import { normalizeEvent, type AuditEventFields, type AuditEventInput } from './audit-event.js';
import { AuditEventRepository } from './audit-event.repository.js';
import { AuditUnavailableError } from './audit.errors.js';
import { ClusterAuditClient, type CommitReport, type CommitStats } from './cluster-audit.js';

interface Pending {
  event: AuditEventFields;
  /** Set for a worker's event committed by the primary: nothing of it may be written after this. */
  deadline?: Date;
  resolve: (commit: CommitStats) => void;
  reject: (err: Error) => void;
}

/** Refusal events kept for a database that is away, at most; beyond it the oldest are dropped (and logged). */
const MAX_BACKLOG = 10_000;
/** How soon a backlog nobody's pull carries along is tried again. */
const BACKLOG_RETRY_MS = 1000;
/**
 * How much longer than the database-side deadline the writer waits for a commit's answer: a
 * statement that passed the deadline check just in time may still commit and report within it.
 */
const DEADLINE_GRACE_MS = 500;
/** How much longer a worker waits for the primary's answer than the primary for the database's. */
const IPC_GRACE_MS = 250;

/** Tuning of the group commit; the defaults suit production. */
export interface AuditWriterOptions {
  /** Events per transaction at most. */
  maxBatch: number;
  /**
   * A commit not done after this long fails its events (the pulls get 503), and the database
   * writes nothing of it once its clock passes that deadline. Default: the database statement
   * timeout (MODGATE_DB_STATEMENT_TIMEOUT_MS).
   */
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
  /** Events nobody waits for (refusals recorded after a failed commit), kept until a commit takes them. */
  private backlog: AuditEventFields[] = [];
  private droppedFromBacklog = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Events of the batch being committed now (for the queue depth metric). */
  private committing = 0;
  private flushing: Promise<void> | null = null;
  private scheduled = false;
  /** A worker of several (MODGATE_WORKERS > 1): the primary commits this writer's batches. */
  private readonly primary: ClusterAuditClient | null;
  /** Commits (primary) whose metrics a worker has been asked to record already. */
  private readonly reportedCommits = new WeakSet<CommitStats>();

  constructor(
    @Inject(MODGATE_CONFIG) private readonly config: ModgateConfig,
    private readonly repository: AuditEventRepository,
    @Optional() @Inject(AUDIT_WRITER_OPTIONS) options?: Partial<AuditWriterOptions>,
  ) {
    const commitTimeoutMs = config.database?.statementTimeoutMs ?? DEFAULT_WRITER_OPTIONS.commitTimeoutMs;
    this.options = { ...DEFAULT_WRITER_OPTIONS, commitTimeoutMs, ...options };
    this.primary = config.workers > 1 && cluster.isWorker ? new ClusterAuditClient() : null;
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
      this.queue.push({ event, resolve: () => resolve(), reject });
      setAuditQueueDepth(this.queue.length + this.committing);
      this.kick();
    });
  }

  /**
   * The cluster primary's entry for a worker's batch: commits its events with the primary's own
   * (group commit across workers), never after `deadline`; reports each commit to one worker.
   */
  async commitForWorker(events: AuditEventFields[], deadline: Date): Promise<CommitReport> {
    if (this.queue.length + events.length > this.options.maxQueue) {
      throw new AuditUnavailableError(`audit queue full (${this.options.maxQueue} events waiting for the database)`);
    }
    const committed = await Promise.all(
      events.map(
        (event) =>
          new Promise<CommitStats>((resolve, reject) => {
            this.queue.push({ event, deadline, resolve, reject });
            this.kick();
          }),
      ),
    );
    const commits = [...new Set(committed)].filter((commit) => !this.reportedCommits.has(commit));
    for (const commit of commits) this.reportedCommits.add(commit);
    return { commits };
  }

  /**
   * Records an event nobody waits for: it rides with the next batch and, when that commit fails,
   * stays for the one after (retried while the database is away). For the refusal of a pull whose
   * own event could not be committed, so the log says what the client got.
   */
  recordLater(input: AuditEventInput): void {
    if (!this.enabled) return;
    this.backlog.push(normalizeEvent(input, 0));
    if (this.backlog.length > MAX_BACKLOG) {
      this.droppedFromBacklog += this.backlog.length - MAX_BACKLOG;
      this.backlog.splice(0, this.backlog.length - MAX_BACKLOG);
    }
    this.kick();
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
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.backlog.length > 0) this.logger.error(`${this.backlog.length} refusal event(s) not committed at shutdown (the database is away)`);
  }

  /** One batch at a time: a second statement waiting at the head row's lock measured slower here. */
  private kick(): void {
    if (this.scheduled || this.flushing) return;
    // A backlog alone waits for its retry timer: no tight loop against a database that is away.
    if (this.queue.length === 0 && (this.backlog.length === 0 || this.retryTimer)) return;
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
    while (this.queue.length > 0 || this.backlog.length > 0) {
      const backlogged = this.backlog.splice(0, this.options.maxBatch);
      const ok = await this.flush(backlogged, this.queue.splice(0, this.options.maxBatch - backlogged.length));
      if (!ok && this.queue.length === 0) break;
    }
  }

  /** Commits the backlogged events and the pending ones in one batch; false when it failed. */
  private async flush(backlogged: AuditEventFields[], pending: Pending[]): Promise<boolean> {
    const batch = this.dropExpired(pending);
    const size = backlogged.length + batch.length;
    if (size === 0) return true;
    this.committing = size;
    const started = performance.now();
    try {
      const stats = await this.commit([...backlogged, ...batch.map((p) => p.event)], this.deadlineOf(batch));
      if (this.primary) for (const commit of stats) recordAuditCommit(commit.size, true, commit.seconds);
      else recordAuditCommit(size, true, (performance.now() - started) / 1000);
      const commit: CommitStats = { size, seconds: (performance.now() - started) / 1000 };
      for (const p of batch) p.resolve(commit);
      if (backlogged.length > 0 || this.droppedFromBacklog > 0) this.reportBacklog(backlogged.length);
      return true;
    } catch (err) {
      recordAuditCommit(size, false, (performance.now() - started) / 1000);
      const error = err instanceof AuditUnavailableError ? err : new AuditUnavailableError(`audit log unavailable: ${(err as Error).message.split('\n')[0]}`);
      this.logger.error(`${size} audit event(s) not committed: ${error.message}`);
      for (const p of batch) p.reject(error);
      this.backlog.unshift(...backlogged);
      this.retryBacklogLater();
      return false;
    } finally {
      this.committing = 0;
      setAuditQueueDepth(this.queue.length);
    }
  }

  /** Workers' events already past their deadline are failed without being sent to the database. */
  private dropExpired(batch: Pending[]): Pending[] {
    const now = Date.now();
    const expired = batch.filter((p) => p.deadline && p.deadline.getTime() <= now);
    if (expired.length === 0) return batch;
    const error = new AuditUnavailableError('audit commit missed its deadline while queued');
    for (const p of expired) p.reject(error);
    return batch.filter((p) => !expired.includes(p));
  }

  /** The database writes nothing of this batch once its clock passes this (the earliest deadline in it). */
  private deadlineOf(batch: Pending[]): Date {
    let deadline = Date.now() + this.options.commitTimeoutMs;
    for (const p of batch) if (p.deadline && p.deadline.getTime() < deadline) deadline = p.deadline.getTime();
    return new Date(deadline);
  }

  private reportBacklog(committed: number): void {
    const dropped = this.droppedFromBacklog;
    this.droppedFromBacklog = 0;
    this.logger.warn(`committed ${committed} refusal event(s) recorded while the database was away${dropped ? `; ${dropped} more were dropped (over ${MAX_BACKLOG} waiting)` : ''}`);
  }

  private retryBacklogLater(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.kick();
    }, BACKLOG_RETRY_MS);
    this.retryTimer.unref();
  }

  /**
   * The database writes nothing of this batch once its clock passes the deadline; the writer
   * waits a little longer for the answer, so no event it reports as failed commits later. A
   * worker of several hands the batch to the primary and waits for its answer as long.
   */
  private commit(events: AuditEventFields[], deadline: Date): Promise<CommitStats[]> {
    const waitMs = deadline.getTime() - Date.now() + DEADLINE_GRACE_MS + (this.primary ? IPC_GRACE_MS : 0);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AuditUnavailableError(`audit commit took over ${this.options.commitTimeoutMs} ms`)), waitMs);
    });
    const committed = this.primary
      ? this.primary.commit(events, deadline).then((report) => report.commits)
      : this.repository.append(events, deadline).then(() => []);
    // A commit abandoned by the timeout still settles later (after the deadline: nothing written).
    committed.catch(() => undefined);
    return Promise.race([committed, timeout]).finally(() => clearTimeout(timer));
  }
}
