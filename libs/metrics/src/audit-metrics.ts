import { Counter, Gauge, Histogram } from 'prom-client';
import { metricsRegistry } from './metrics-registry.js';

const queueDepth = new Gauge({
  name: 'modgate_audit_queue_depth',
  help: 'Audit events waiting to be committed (queued or in the commit running now).',
  registers: [metricsRegistry],
});
const commitDuration = new Histogram({
  name: 'modgate_audit_commit_duration_seconds',
  help: 'Duration of one group commit of audit events (one transaction), by result (ok, error).',
  labelNames: ['result'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});
const events = new Counter({
  name: 'modgate_audit_events_total',
  help: 'Audit events by outcome: committed, or failed (not committed: the pull was refused, or served and logged with fail-open).',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});
const batchSize = new Histogram({
  name: 'modgate_audit_commit_batch_events',
  help: 'Audit events per group commit.',
  buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
  registers: [metricsRegistry],
});
events.inc({ result: 'committed' }, 0);
events.inc({ result: 'failed' }, 0);

/** Reports the number of audit events not yet committed. */
export function setAuditQueueDepth(events: number): void {
  queueDepth.set(events);
}

/** Records one group commit of `count` events. */
export function recordAuditCommit(count: number, ok: boolean, seconds: number): void {
  commitDuration.observe({ result: ok ? 'ok' : 'error' }, seconds);
  events.inc({ result: ok ? 'committed' : 'failed' }, count);
  batchSize.observe(count);
}
