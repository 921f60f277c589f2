import { Counter, Gauge, Histogram } from 'prom-client';
import { bindEach } from './bound-children.js';
import { metricsRegistry } from './metrics-registry.js';

/** Artifacts kept in the blob store once fetched: the GOPROXY files and the checksum database tiles. */
export const CACHED_ARTIFACTS = ['info', 'mod', 'zip', 'sumdb_tile'] as const;
export type CachedArtifact = (typeof CACHED_ARTIFACTS)[number];

/** What modgate asks an upstream proxy or checksum database for. */
export const UPSTREAM_REQUESTS = ['list', 'latest', 'info', 'mod', 'zip', 'sumdb'] as const;
export type UpstreamRequest = (typeof UPSTREAM_REQUESTS)[number];
export type UpstreamResult = 'ok' | 'not_found' | 'error';

/** Work that concurrent requests share (single flight): artifact fetches and list/latest refreshes. */
export const FLIGHTS = ['info', 'mod', 'zip', 'list', 'latest'] as const;
export type Flight = (typeof FLIGHTS)[number];

const cache = new Counter({
  name: 'modgate_artifact_cache_requests_total',
  help: 'Artifact lookups answered from the cache (hit) or fetched from the origin (miss), by artifact kind.',
  labelNames: ['artifact', 'result'] as const,
  registers: [metricsRegistry],
});
const hits = bindEach(CACHED_ARTIFACTS, (artifact) => cache.labels(artifact, 'hit'));
const misses = bindEach(CACHED_ARTIFACTS, (artifact) => cache.labels(artifact, 'miss'));
for (const artifact of CACHED_ARTIFACTS) for (const result of ['hit', 'miss']) cache.inc({ artifact, result }, 0);

/** Counts one cache lookup of a served artifact. */
export function recordCacheLookup(artifact: CachedArtifact, hit: boolean): void {
  (hit ? hits : misses)[artifact].inc();
}

const upstreamRequests = new Counter({
  name: 'modgate_upstream_requests_total',
  help: 'Requests to the upstream proxy chain and checksum databases, by what was asked and the result (ok, not_found: 404/410 from every entry, error).',
  labelNames: ['request', 'result'] as const,
  registers: [metricsRegistry],
});
const upstreamDuration = new Histogram({
  name: 'modgate_upstream_request_duration_seconds',
  help: 'Duration of upstream requests including reading the body, by what was asked.',
  labelNames: ['request'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  registers: [metricsRegistry],
});

/** Times `fetch` as one upstream request; `classify` names the result of a failure. */
export async function timeUpstream<T>(request: UpstreamRequest, classify: (err: unknown) => UpstreamResult, fetch: () => Promise<T>): Promise<T> {
  const end = upstreamDuration.startTimer({ request });
  try {
    const value = await fetch();
    upstreamRequests.inc({ request, result: 'ok' });
    return value;
  } catch (err) {
    upstreamRequests.inc({ request, result: classify(err) });
    throw err;
  } finally {
    end();
  }
}

const flightWaits = new Counter({
  name: 'modgate_single_flight_waits_total',
  help: 'Requests that joined a fetch already running in this process for the same artifact or list instead of starting their own.',
  labelNames: ['flight'] as const,
  registers: [metricsRegistry],
});
const waits = bindEach(FLIGHTS, (flight) => flightWaits.labels(flight));
for (const flight of FLIGHTS) flightWaits.inc({ flight }, 0);

/** Counts one request that waited for another's fetch. */
export function recordFlightWait(flight: Flight): void {
  waits[flight].inc();
}

const hotRefreshes = new Counter({
  name: 'modgate_hot_refresh_total',
  help: 'Background refreshes of the list or @latest of recently requested modules (MODGATE_HOT_REFRESH_DAYS), by what and result (ok, error).',
  labelNames: ['what', 'result'] as const,
  registers: [metricsRegistry],
});
for (const what of ['list', 'latest']) for (const result of ['ok', 'error']) hotRefreshes.inc({ what, result }, 0);
const hotDue = new Gauge({
  name: 'modgate_hot_refresh_due_modules',
  help: 'Hot modules whose list or @latest was due for a refresh at the last pass.',
  registers: [metricsRegistry],
});

/** Counts one background refresh. */
export function recordHotRefresh(what: 'list' | 'latest', ok: boolean): void {
  hotRefreshes.inc({ what, result: ok ? 'ok' : 'error' });
}

/** Sets how many modules the last hot-refresh pass found due. */
export function setHotRefreshDue(modules: number): void {
  hotDue.set(modules);
}
