import cluster, { type Worker } from 'node:cluster';
import type { AuditEventFields } from './audit-event.js';
import { AuditUnavailableError } from './audit.errors.js';

/**
 * With MODGATE_WORKERS > 1 every worker hands its batches to the cluster primary, whose one
 * AuditWriter commits the events of all workers together. Separate writers per worker raced for
 * the chain head: each commit found the head moved by the other worker, took the locked path and
 * waited for the other's fsync, so two workers served fewer pulls than one.
 */

/** A database commit: its events (of all workers) and how long it took. */
export interface CommitStats {
  size: number;
  seconds: number;
}

/**
 * What the primary answers a worker: the commits that carried its batch whose metrics this worker
 * records (each commit is reported to exactly one of the workers it served, so sums stay exact).
 */
export interface CommitReport {
  commits: CommitStats[];
}

interface CommitRequest {
  type: 'modgate.audit.commit';
  id: number;
  events: AuditEventFields[];
  /** Epoch ms after which the database must write nothing of these events. */
  deadline: number;
}

interface CommitReply {
  type: 'modgate.audit.done';
  id: number;
  commit?: CommitReport;
  error?: string;
}

/** The primary's side: what commits a worker's batch (the primary's AuditWriter). */
export type CommitBatch = (events: AuditEventFields[], deadline: Date) => Promise<CommitReport>;

/** Worker side: sends batches to the primary and settles each when the primary answers. */
export class ClusterAuditClient {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (report: CommitReport) => void; reject: (err: Error) => void }>();

  constructor(private readonly channel: NodeJS.Process = process) {
    channel.on('message', (message: unknown) => this.onMessage(message));
    channel.on('disconnect', () => this.failAll('the cluster primary is gone'));
  }

  commit(events: AuditEventFields[], deadline: Date): Promise<CommitReport> {
    const id = this.nextId++;
    const request: CommitRequest = { type: 'modgate.audit.commit', id, events, deadline: deadline.getTime() };
    return new Promise<CommitReport>((resolve, reject) => {
      if (!this.channel.connected || !this.channel.send) return reject(new AuditUnavailableError('audit log unavailable: the cluster primary is gone'));
      this.waiting.set(id, { resolve, reject });
      this.channel.send(request, undefined, undefined, (err: Error | null) => {
        if (!err) return;
        this.waiting.delete(id);
        reject(new AuditUnavailableError(`audit log unavailable: cannot reach the cluster primary: ${err.message}`));
      });
    });
  }

  private onMessage(message: unknown): void {
    if (!isReply(message)) return;
    const waiter = this.waiting.get(message.id);
    if (!waiter) return;
    this.waiting.delete(message.id);
    if (message.error !== undefined || !message.commit) waiter.reject(new AuditUnavailableError(message.error ?? 'audit log unavailable'));
    else waiter.resolve(message.commit);
  }

  private failAll(reason: string): void {
    for (const waiter of this.waiting.values()) waiter.reject(new AuditUnavailableError(`audit log unavailable: ${reason}`));
    this.waiting.clear();
  }
}

/** Primary side: commits the batches workers send and answers each worker. */
export function serveClusterAudit(commitBatch: CommitBatch): void {
  cluster.on('message', (worker: Worker, message: unknown) => {
    if (!isRequest(message)) return;
    commitBatch(message.events.map(revive), new Date(message.deadline)).then(
      (commit) => answer(worker, { type: 'modgate.audit.done', id: message.id, commit }),
      (err: Error) => answer(worker, { type: 'modgate.audit.done', id: message.id, error: err.message }),
    );
  });
}

function answer(worker: Worker, reply: CommitReply): void {
  // A worker that exited meanwhile has nobody waiting.
  if (worker.isConnected()) worker.send(reply);
}

/** IPC carries JSON: the event's time arrives as a string. */
function revive(event: AuditEventFields): AuditEventFields {
  return { ...event, time: new Date(event.time) };
}

function isRequest(message: unknown): message is CommitRequest {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'modgate.audit.commit';
}

function isReply(message: unknown): message is CommitReply {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'modgate.audit.done';
}
