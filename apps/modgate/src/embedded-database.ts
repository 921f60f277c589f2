import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { ModgateConfig } from '#config';
import { EmbeddedPostgresUnavailable, startEmbeddedPostgres } from '#db';

/** Set by the cluster primary for its workers: the URL of the embedded Postgres it started. */
export const EMBEDDED_DATABASE_URL_ENV = 'MODGATE_EMBEDDED_DATABASE_URL';

/** Connections per server process (Prisma 10, SQL 4, advisory locks 16, LISTEN 1), with room to spare. */
const CONNECTIONS_PER_PROCESS = 40;

/** The configuration the server processes run with, and how to stop what was started for it. */
export interface ServedDatabase {
  config: ModgateConfig;
  /** What the start banner names: the embedded server rather than its URL. */
  shown: ModgateConfig['database'];
  /** Set when an embedded Postgres was started: its URL. */
  embeddedUrl?: string;
  stop(): Promise<void>;
}

/**
 * Starts the embedded Postgres when the configuration asks for it and returns the configuration
 * with its URL in place; says why when an existing data dir stays on PGlite. As root in a
 * directory the unprivileged server user cannot enter, the start falls back to PGlite (and says how to avoid it).
 */
export async function startEmbeddedDatabase(config: ModgateConfig): Promise<ServedDatabase> {
  const logger = new Logger('EmbeddedDatabase');
  const served = (database: ModgateConfig['database'], stop: () => Promise<void> = async () => undefined, embeddedUrl?: string): ServedDatabase => ({
    config: { ...config, database },
    shown: embeddedUrl ? config.database : database,
    embeddedUrl,
    stop,
  });
  const db = config.database;
  if (db.kind === 'postgres') return served(db);
  if (db.kind === 'pglite') {
    if (db.existingData) {
      logger.warn(`${db.dir} holds PGlite data: staying on the embedded PGlite (slower start, more memory). To move to the embedded Postgres see docs/backup-and-upgrade.md`);
    }
    return served(db);
  }
  if (db.unusedPgliteDir) logger.warn(`MODGATE_EMBEDDED_DB=postgres: the PGlite data in ${db.unusedPgliteDir} is not used`);
  const pgLogger = new Logger('Postgres');
  const started = Date.now();
  try {
    const server = await startEmbeddedPostgres({
      dir: db.dir,
      maxConnections: Math.max(100, CONNECTIONS_PER_PROCESS * config.workers + 10),
      log: (level, line) => (level === 'warn' ? pgLogger.warn(line) : pgLogger.debug(line)),
      // Serving on without a database helps nobody: exit, so that a supervisor starts both again.
      onUnexpectedExit: (code) => {
        logger.error(`the embedded Postgres exited (${code ?? 'killed'}) while modgate was running; stopping`);
        process.exit(1);
      },
    });
    logger.log(`embedded Postgres in ${db.dir} ready in ${Date.now() - started} ms (process ${server.pid}, running as ${server.user})`);
    return served({ kind: 'postgres', url: server.url, statementTimeoutMs: db.statementTimeoutMs }, () => server.stop(), server.url);
  } catch (err) {
    if (!(err instanceof EmbeddedPostgresUnavailable) || config.workers > 1) throw err;
    const dir = join(config.dataDir, 'db');
    logger.warn(`${err.message}: using the embedded PGlite in ${dir} instead. Run modgate as an unprivileged user (or let that user enter the directory) for the embedded Postgres`);
    return served({ kind: 'pglite', dir, statementTimeoutMs: db.statementTimeoutMs });
  }
}

/** A cluster worker uses the embedded Postgres its primary started. */
export function inheritedDatabase(config: ModgateConfig, env: NodeJS.ProcessEnv = process.env): ModgateConfig {
  const url = env[EMBEDDED_DATABASE_URL_ENV];
  if (config.database.kind !== 'embedded-postgres' || !url) return config;
  return { ...config, database: { kind: 'postgres', url, statementTimeoutMs: config.database.statementTimeoutMs } };
}
