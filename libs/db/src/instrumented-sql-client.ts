import { timeSqlOperation } from '#metrics';
import type { SqlClient, SqlTransaction } from './sql-client.js';

/**
 * A SqlClient that times the statements and transactions of the client it wraps
 * (modgate_db_query_duration_seconds). Locks are passed through untimed: they last as long as
 * the work done under them.
 */
export class InstrumentedSqlClient implements SqlClient {
  constructor(
    private readonly inner: SqlClient,
    private readonly database: 'postgres' | 'pglite',
  ) {}

  get description(): string {
    return this.inner.description;
  }

  query<T extends object = Record<string, unknown>>(sql: string, params?: unknown[], options?: { name?: string }): Promise<T[]> {
    return timeSqlOperation(this.database, 'query', () => this.inner.query<T>(sql, params, options));
  }

  execInTransaction(statements: string[]): Promise<void> {
    return timeSqlOperation(this.database, 'migration', () => this.inner.execInTransaction(statements));
  }

  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return timeSqlOperation(this.database, 'transaction', () => this.inner.transaction(fn));
  }

  withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.inner.withLock(name, fn);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
