import { Histogram } from 'prom-client';
import { metricsRegistry } from './metrics-registry.js';

export type BlobOperation = 'put' | 'get' | 'stat' | 'delete' | 'list' | 'ping';
/** not_found is the contract's BlobNotFoundError: an answer, not a failure. */
export type BlobResult = 'ok' | 'not_found' | 'error';
/** orm: one Prisma operation (users, tokens, policies, artifacts, version lists). */
export type SqlOperation = 'query' | 'transaction' | 'migration' | 'orm';

const blobDuration = new Histogram({
  name: 'modgate_blob_store_operation_duration_seconds',
  help: 'Blob store operations by driver (fs, s3), operation and result; a get is timed until the blob is open, a put until it is verified.',
  labelNames: ['driver', 'operation', 'result'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [metricsRegistry],
});

/** Observes one blob store operation. */
export function recordBlobOperation(driver: string, operation: BlobOperation, result: BlobResult, seconds: number): void {
  blobDuration.observe({ driver, operation, result }, seconds);
}

const sqlDuration = new Histogram({
  name: 'modgate_db_query_duration_seconds',
  help: 'Database latency by database (postgres, pglite), operation (query, transaction, migration: the SQL client of the audit log and locks; orm: a Prisma operation) and result (ok, error).',
  labelNames: ['database', 'operation', 'result'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

/** Runs one SQL statement, transaction or Prisma operation and observes how long it took, and whether it threw. */
export async function timeSqlOperation<T>(database: 'postgres' | 'pglite', operation: SqlOperation, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  let ok = false;
  try {
    const value = await work();
    ok = true;
    return value;
  } finally {
    sqlDuration.observe({ database, operation, result: ok ? 'ok' : 'error' }, (performance.now() - started) / 1000);
  }
}
