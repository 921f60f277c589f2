import { createHash } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** Queries on the one connection of an open transaction (see {@link SqlClient.transaction}). */
export interface SqlTransaction {
  query<T extends object = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** The raw SQL the database layer needs besides Prisma: migrations, health, cross-replica locks. */
export interface SqlClient {
  readonly description: string;
  /** `options.name`: a prepared statement of that name (parsed and planned once per connection on Postgres). */
  query<T extends object = Record<string, unknown>>(sql: string, params?: unknown[], options?: { name?: string }): Promise<T[]>;
  /** Runs several statements in one transaction (migrations). */
  execInTransaction(statements: string[]): Promise<void>;
  /** Runs `fn` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` holding the lock named `name`, exclusive across every process sharing the database
   * (a Postgres session advisory lock on a dedicated connection).
   */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** 64-bit advisory lock key of a lock name. */
export function lockKey(name: string): string {
  return createHash('sha256').update(name).digest().readBigInt64BE(0).toString();
}

/**
 * Pool settings that bound a statement both ways: `statement_timeout` makes a live but slow server
 * cancel it; `query_timeout` (client side, a little later so the server's own error wins when it
 * can answer) and `connectionTimeoutMillis` give up on a server that stops answering at all (a
 * frozen process, a network partition), which no server-side setting can.
 */
export function postgresTimeouts(statementTimeoutMs: number | undefined): PostgresTimeouts {
  if (!statementTimeoutMs) return {};
  return { statement_timeout: statementTimeoutMs, query_timeout: statementTimeoutMs + 500, connectionTimeoutMillis: statementTimeoutMs };
}

export interface PostgresTimeouts {
  statement_timeout?: number;
  query_timeout?: number;
  connectionTimeoutMillis?: number;
}

export class PostgresSqlClient implements SqlClient {
  readonly description: string;
  private readonly pool: pg.Pool;
  private readonly lockPool: pg.Pool;

  constructor(
    private readonly url: string,
    timeouts: PostgresTimeouts = {},
  ) {
    const parsed = new URL(url);
    this.description = `postgres ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
    this.pool = new pg.Pool({ connectionString: url, max: 4, ...timeouts });
    // Each held lock pins one connection until the locked work (an upstream fetch) ends, so a
    // lock may be waited for as long as another replica's fetch takes: only connecting is bounded.
    this.lockPool = new pg.Pool({ connectionString: url, max: 16, connectionTimeoutMillis: timeouts.connectionTimeoutMillis });
    for (const p of [this.pool, this.lockPool]) p.on('error', () => undefined);
  }

  async query<T extends object>(sql: string, params: unknown[] = [], options: { name?: string } = {}): Promise<T[]> {
    if (options.name) return (await this.pool.query({ name: options.name, text: sql, values: params })).rows as T[];
    return (await this.pool.query(sql, params)).rows as T[];
  }

  async execInTransaction(statements: string[]): Promise<void> {
    // Migrations may rewrite big tables: a connection of their own, without the request path's bounds.
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      for (const statement of statements) await client.query(statement);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn({ query: async <R extends object>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as R[] });
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }

  async withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const client = await this.lockPool.connect();
    const key = lockKey(name);
    try {
      await client.query('SELECT pg_advisory_lock($1::bigint)', [key]);
    } catch (err) {
      client.release(true);
      throw err;
    }
    try {
      return await fn();
    } finally {
      // The caller's answer does not wait for the unlock's round trip. A connection whose unlock
      // failed may still hold the lock: it is dropped rather than reused.
      client.query('SELECT pg_advisory_unlock($1::bigint)', [key]).then(
        () => client.release(),
        () => client.release(true),
      );
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.lockPool.end()]);
  }
}

/** PGlite is one in-process connection and its data dir admits one process, so locks are local. */
export class PgliteSqlClient implements SqlClient {
  readonly description: string;
  private readonly held = new Map<string, Promise<unknown>>();

  constructor(
    readonly db: PGlite,
    dir: string,
  ) {
    this.description = `PGlite ${dir}`;
  }

  async query<T extends object>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query<T>(sql, params)).rows;
  }

  async execInTransaction(statements: string[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const statement of statements) await tx.exec(statement);
    });
  }

  async transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn({ query: async <R extends object>(sql: string, params: unknown[] = []) => (await tx.query<R>(sql, params)).rows }));
  }

  async withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.held.get(name) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.held.set(name, tail);
    try {
      return await run;
    } finally {
      if (this.held.get(name) === tail) this.held.delete(name);
    }
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
