import cluster from 'node:cluster';
import { AggregatorRegistry, Registry, collectDefaultMetrics } from 'prom-client';

/** Every modgate metric of this process lives here (not in prom-client's global registry). */
export const metricsRegistry = new Registry();

/** An exposition ready to send: the text and its content type. */
export interface Exposition {
  body: string;
  contentType: string;
}

/** A source of expositions: this process's metrics, or (cluster primary) all workers' summed. */
export type ExpositionSource = () => Promise<Exposition>;

let processMetricsOn = false;

/**
 * Adds prom-client's default process metrics (CPU, memory, event loop lag, GC, handles) once,
 * and, in a cluster worker, answers the primary's requests for this worker's metrics.
 */
export function enableProcessMetrics(): void {
  if (processMetricsOn) return;
  processMetricsOn = true;
  collectDefaultMetrics({ register: metricsRegistry });
  if (cluster.isWorker) {
    // The constructor installs the IPC listener that answers the primary's scrapes.
    new AggregatorRegistry();
    AggregatorRegistry.setRegistries([metricsRegistry]);
  }
}

/** This process's metrics in the Prometheus text format. */
export const processExposition: ExpositionSource = async () => ({ body: await metricsRegistry.metrics(), contentType: metricsRegistry.contentType });

/**
 * For the cluster primary: every worker's metrics, counters and histograms summed across workers
 * (prom-client's aggregation over the cluster IPC channel; 5 s timeout).
 */
export function clusterExposition(): ExpositionSource {
  const aggregator = new AggregatorRegistry();
  return async () => ({ body: await aggregator.clusterMetrics(), contentType: aggregator.contentType });
}
