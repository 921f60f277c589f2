import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from './metrics-registry.js';

/** What a webhook delivery came to; each maps to one answer of the receiver. */
export type WebhookResult = 'queued' | 'duplicate' | 'ignored' | 'ping' | 'no_origin' | 'bad_signature' | 'disabled' | 'invalid';

const deliveries = new Counter({
  name: 'modgate_webhook_deliveries_total',
  help: 'Webhook deliveries by provider (github, gitlab, gitea, unknown) and result.',
  labelNames: ['provider', 'result'] as const,
  registers: [metricsRegistry],
});
const syncJobs = new Counter({
  name: 'modgate_sync_jobs_total',
  help: 'Repository sync jobs run, by result (ok, error: retried later or given up).',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});
const syncDuration = new Histogram({
  name: 'modgate_sync_job_duration_seconds',
  help: 'Duration of one repository sync job (fetch, version index refresh, pre-build).',
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600, 1800],
  registers: [metricsRegistry],
});

const PROVIDERS = new Set(['github', 'gitlab', 'gitea']);

/** Counts one webhook delivery; a provider outside the supported ones is `unknown`. */
export function recordWebhookDelivery(provider: string, result: WebhookResult): void {
  deliveries.inc({ provider: PROVIDERS.has(provider) ? provider : 'unknown', result });
}

/** Records one finished sync job. */
export function recordSyncJob(ok: boolean, seconds: number): void {
  syncJobs.inc({ result: ok ? 'ok' : 'error' });
  syncDuration.observe(seconds);
}
