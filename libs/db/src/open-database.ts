import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/client.js';
import { instrumentPrisma } from './instrumented-prisma.js';
import { InstrumentedSqlClient } from './instrumented-sql-client.js';
import { findMigrationsDir, migrate, readMigrations } from './migrator.js';
import { PgliteSqlClient, postgresTimeouts, PostgresSqlClient, type SqlClient } from './sql-client.js';

/** `statementTimeoutMs` (Postgres only): the bound on every statement of the shared pools. */
export type DatabaseTarget = ({ kind: 'postgres'; url: string } | { kind: 'pglite'; dir: string }) & { statementTimeoutMs?: number };

export interface Database {
  sql: SqlClient;
  prisma: PrismaClient;
  /** Migrations this start applied (empty when the schema was current). */
  applied: string[];
  close(): Promise<void>;
}

/** Opens Postgres (or embedded PGlite), applies pending committed migrations, returns both clients. */
export async function openDatabase(target: DatabaseTarget, migrationsDir = findMigrationsDir()): Promise<Database> {
  let sql: SqlClient;
  let prisma: PrismaClient;
  if (target.kind === 'postgres') {
    const timeouts = postgresTimeouts(target.statementTimeoutMs);
    sql = new InstrumentedSqlClient(new PostgresSqlClient(target.url, timeouts), 'postgres');
    prisma = instrumentPrisma(new PrismaClient({ adapter: new PrismaPg({ connectionString: target.url, max: 10, ...timeouts }) }), 'postgres');
  } else {
    mkdirSync(target.dir, { recursive: true });
    const db = await PGlite.create(target.dir);
    sql = new InstrumentedSqlClient(new PgliteSqlClient(db, target.dir), 'pglite');
    prisma = instrumentPrisma(new PrismaClient({ adapter: new PrismaPGlite(db) }), 'pglite');
  }
  try {
    const applied = await migrate(sql, readMigrations(migrationsDir));
    return {
      sql,
      prisma,
      applied,
      async close() {
        await prisma.$disconnect();
        await sql.close();
      },
    };
  } catch (err) {
    await prisma.$disconnect().catch(() => undefined);
    await sql.close().catch(() => undefined);
    throw err;
  }
}

