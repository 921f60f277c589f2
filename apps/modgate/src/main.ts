import 'reflect-metadata';
import cluster from 'node:cluster';
import { Logger } from '@nestjs/common';
import { LocalUserService } from '#auth';
import { ConfigError, loadConfig, type ModgateConfig } from '#config';
import { NestPinoLogger, createLogger, writeBanner } from '#logging';
import { serveClusterMetrics } from '#metrics';
import { bootstrap, listenUrl } from './bootstrap.js';
import { initialAdminBanner, startBanner } from './start-banner.js';
import { runClusterPrimary } from './cluster-primary.js';
import { startPrimaryAuditWriter } from './primary-audit-writer.js';

async function main(): Promise<void> {
  let config: ModgateConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`modgate: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.log);
  // Loggers made before the application (cluster primary) write through pino too.
  Logger.overrideLogger(new NestPinoLogger(log));
  const printBanner = () => writeBanner(log, config.log, startBanner(config, listenUrl(config)));
  if (config.workers > 1 && cluster.isPrimary) {
    const auditWriter = startPrimaryAuditWriter(config);
    runClusterPrimary(config.workers, printBanner, () => auditWriter.close());
    if (config.metrics.listen) await serveClusterMetrics(config.metrics.listen);
    return;
  }
  const app = await bootstrap(config, log);
  if (cluster.isPrimary) printBanner();
  // Whichever process created the bootstrap admin shows its password, once.
  const admin = initialAdminBanner(app.get(LocalUserService).takeInitialAdmin());
  if (admin) writeBanner(log, config.log, admin);
}

main().catch((err: unknown) => {
  process.stderr.write(`modgate: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
