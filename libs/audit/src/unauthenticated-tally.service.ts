import { Inject, Injectable, Logger, Optional, type BeforeApplicationShutdown } from '@nestjs/common';
import type { AuditEventInput } from './audit-event.js';
import { AuditWriter } from './audit-writer.service.js';

/** Tuning of the tally; tests pass a clock. */
export interface TallyOptions {
  windowMs: number;
  /** Addresses per window at most; beyond it, new addresses share one more bucket, with no address. */
  maxBuckets: number;
  now: () => number;
}

/** Injection token of the tally's options (optional). */
export const TALLY_OPTIONS = Symbol('TALLY_OPTIONS');

const DEFAULTS: TallyOptions = { windowMs: 60_000, maxBuckets: 10_000, now: Date.now };
const MAX_NAMES = 20;
const MAX_REASONS = 5;

interface Bucket {
  window: number;
  first: AuditEventInput;
  count: number;
  lastAt: number;
  names: Set<string>;
  reasons: Set<string>;
}

/**
 * Refusals of requests without valid credentials (401s, throttled logins, bad webhook signatures)
 * cost anyone nothing to send, so they are not one audit row each. Per minute, client address,
 * action and status, the first is recorded in full at once; the rest are counted and become one
 * row when the minute is over (`detail.count` of them, the user names tried in `detail.users`).
 * Rows go through the writer like any other, so the hash chain covers them. Counts not yet
 * written are written at shutdown.
 */
@Injectable()
export class UnauthenticatedTally implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private readonly options: TallyOptions;
  private readonly buckets = new Map<string, Bucket>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly writer: AuditWriter,
    @Optional() @Inject(TALLY_OPTIONS) options?: Partial<TallyOptions>,
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /**
   * Counts one refused request. The first of its minute is recorded at once (resolves when it is
   * durable); later ones only counted. Never rejects: a lost row is logged.
   */
  async count(event: AuditEventInput): Promise<void> {
    if (!this.writer.enabled) return;
    const now = this.options.now();
    const window = Math.floor(now / this.options.windowMs) * this.options.windowMs;
    const rest = `${event.action}\0${event.status ?? ''}`;
    let key = `${window}\0${event.ip ?? ''}\0${rest}`;
    let ip = event.ip ?? null;
    if (!this.buckets.has(key) && this.buckets.size >= this.options.maxBuckets) {
      key = `${window}\0*\0${rest}`;
      ip = null;
    }
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { window, first: { ...event, ip }, count: 0, lastAt: now, names: new Set(), reasons: new Set() };
      this.buckets.set(key, bucket);
      this.schedule(window);
      if (ip !== null) {
        await this.writer.record(event).catch((err: Error) => this.logger.error(`a refused request was not recorded: ${err.message}`));
        return;
      }
    }
    bucket.count++;
    bucket.lastAt = now;
    if (event.principal.name && bucket.names.size < MAX_NAMES) bucket.names.add(event.principal.name);
    if (event.reason && bucket.reasons.size < MAX_REASONS) bucket.reasons.add(event.reason);
  }

  /** Writes the counts of windows that are over (all of them with `all`). */
  async flush(all = false): Promise<void> {
    const current = Math.floor(this.options.now() / this.options.windowMs) * this.options.windowMs;
    const over = [...this.buckets].filter(([, bucket]) => all || bucket.window < current);
    for (const [key] of over) this.buckets.delete(key);
    const due = over.filter(([, bucket]) => bucket.count > 0);
    const results = await Promise.allSettled(due.map(([, bucket]) => this.writer.record(this.rowOf(bucket))));
    const lost = results.filter((r) => r.status === 'rejected').length;
    if (lost > 0) this.logger.error(`${lost} count(s) of unauthenticated requests were not recorded: ${(results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush(true);
  }

  private schedule(window: number): void {
    if (this.timer) return;
    const delay = Math.max(0, window + this.options.windowMs - this.options.now()) + 100;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush().finally(() => {
        if (this.buckets.size > 0) this.schedule(Math.min(...[...this.buckets.values()].map((b) => b.window)));
      });
    }, delay);
    this.timer.unref();
  }

  private rowOf(bucket: Bucket): AuditEventInput {
    const { first, count, names, reasons } = bucket;
    return {
      action: first.action,
      principal: { kind: 'anonymous', name: null, groups: [] },
      time: new Date(bucket.window),
      ip: first.ip,
      userAgent: first.userAgent ?? null,
      status: first.status ?? null,
      reason: `${count} more request(s) without valid credentials${first.reason ? `, e.g. ${first.reason}` : ''}`,
      requestId: first.requestId ?? null,
      detail: {
        ...first.detail,
        count,
        windowSeconds: this.options.windowMs / 1000,
        lastAt: new Date(bucket.lastAt).toISOString(),
        ...(names.size > 0 ? { users: [...names] } : {}),
        ...(reasons.size > 1 ? { reasons: [...reasons] } : {}),
      },
    };
  }
}
