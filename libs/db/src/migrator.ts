import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlClient } from './sql-client.js';

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** Finds the committed `prisma/migrations` folder above this file (source or dist layout). */
export function findMigrationsDir(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`no prisma/migrations folder above ${from}`);
  }
}

export function readMigrations(dir: string): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Applies the committed migration SQL not applied yet, each in its own transaction, under one
 * advisory lock so replicas starting together apply each migration exactly once. A migration whose
 * file changed after it was applied stops the start.
 */
export async function migrate(sql: SqlClient, migrations: Migration[]): Promise<string[]> {
  return sql.withLock('modgate:migrations', async () => {
    await sql.query(
      `CREATE TABLE IF NOT EXISTS "_modgate_migrations" (
         "name" TEXT PRIMARY KEY, "checksum" TEXT NOT NULL, "applied_at" TIMESTAMPTZ NOT NULL DEFAULT now())`,
    );
    const applied = new Map(
      (await sql.query<{ name: string; checksum: string }>('SELECT "name", "checksum" FROM "_modgate_migrations"')).map((row) => [
        row.name,
        row.checksum,
      ]),
    );
    const done: string[] = [];
    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new Error(`migration ${migration.name} was changed after it was applied; add a new migration instead`);
        }
        continue;
      }
      const name = migration.name.replace(/'/g, "''");
      await sql.execInTransaction([
        migration.sql,
        `INSERT INTO "_modgate_migrations" ("name", "checksum") VALUES ('${name}', '${migration.checksum}')`,
      ]);
      done.push(migration.name);
    }
    return done;
  });
}
