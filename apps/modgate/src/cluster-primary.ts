import cluster from 'node:cluster';
import { Logger } from '@nestjs/common';

/** `env`: added to every worker's environment; `afterStop`: runs once every worker has exited. */
export interface ClusterOptions {
  env?: Record<string, string>;
  afterStop?: () => Promise<void>;
}

/**
 * Runs `workers` server processes sharing the listener (node:cluster), restarts one that dies,
 * and on SIGTERM/SIGINT lets every worker finish its requests before exiting.
 */
export function runClusterPrimary(workers: number, onAllListening: () => void, options: ClusterOptions = {}): void {
  const fork = () => cluster.fork(options.env);
  const logger = new Logger('modgate');
  let stopping = false;
  let listening = 0;
  cluster.on('listening', () => {
    if (++listening === workers) onAllListening();
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        void (options.afterStop ?? (async () => undefined))().finally(() => process.exit(0));
      }
      return;
    }
    logger.warn(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    fork();
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      stopping = true;
      logger.log(`${signal}: stopping ${workers} workers after their requests in flight`);
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    });
  }
  for (let i = 0; i < workers; i++) fork();
}
