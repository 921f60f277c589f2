import 'reflect-metadata';
import cluster from 'node:cluster';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig, type ModgateConfig } from '#config';
import { NestPinoLogger, createLogger, writeBanner } from '#logging';
import { EMBEDDED_DATABASE_URL_ENV, inheritedDatabase, startEmbeddedDatabase } from './embedded-database.js';

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
  // The embedded database starts while the application's modules load.
  const starting = cluster.isPrimary ? startEmbeddedDatabase(config) : undefined;
  starting?.catch(() => undefined);
  const [{ bootstrap, listenUrl }, { initialAdminBanner, startBanner }, { runClusterPrimary }, { startPrimaryAuditWriter }, { LocalUserService }, { serveClusterMetrics }] =
    await Promise.all([
      import('./bootstrap.js'),
      import('./start-banner.js'),
      import('./cluster-primary.js'),
      import('./primary-audit-writer.js'),
      import('#auth'),
      import('#metrics'),
    ]);
  let app;
  if (starting) {
    const database = await starting;
    const printBanner = () => writeBanner(log, config.log, startBanner({ ...config, database: database.shown }, listenUrl(config)));
    if (config.workers > 1) {
      const auditWriter = startPrimaryAuditWriter(database.config);
      const env: Record<string, string> = database.embeddedUrl ? { [EMBEDDED_DATABASE_URL_ENV]: database.embeddedUrl } : {};
      const beforeExit = async () => {
        await auditWriter.close();
        await database.stop();
      };
      runClusterPrimary(config.workers, printBanner, { env, beforeExit });
      if (config.metrics.listen) await serveClusterMetrics(config.metrics.listen);
      return;
    }
    app = await bootstrap(database.config, log, database.stop);
    printBanner();
  } else {
    app = await bootstrap(inheritedDatabase(config), log);
  }
  // Whichever process created the bootstrap admin shows its password, once.
  const admin = initialAdminBanner(app.get(LocalUserService).takeInitialAdmin());
  if (admin) writeBanner(log, config.log, admin);
}

main().catch((err: unknown) => {
  process.stderr.write(`modgate: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
