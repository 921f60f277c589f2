import cluster from 'node:cluster';
import { Logger } from '@nestjs/common';

/**
 * Runs `workers` server processes sharing the listener (node:cluster), restarts one that dies,
 * and on SIGTERM/SIGINT lets every worker finish its requests before exiting; `beforeExit` runs
 * once the last worker has gone (the primary's audit writer commits what they sent).
 */
export function runClusterPrimary(workers: number, onAllListening: () => void, beforeExit: () => Promise<void> = () => Promise.resolve()): void {
  const logger = new Logger('modgate');
  let stopping = false;
  let listening = 0;
  cluster.on('listening', () => {
    if (++listening === workers) onAllListening();
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length > 0) return;
      beforeExit().then(
        () => process.exit(0),
        (err: Error) => {
          logger.error(`stopping: ${err.message}`);
          process.exit(1);
        },
      );
      return;
    }
    logger.warn(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    cluster.fork();
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      stopping = true;
      logger.log(`${signal}: stopping ${workers} workers after their requests in flight`);
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    });
  }
  for (let i = 0; i < workers; i++) cluster.fork();
}
