import { access } from 'node:fs/promises';
import pg from 'pg';
import { findPostgresBin, startPostgres, type TestPostgres } from './postgres.js';

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('startPostgres', () => {
  let pgServer: TestPostgres;

  beforeAll(async () => {
    pgServer = await startPostgres();
  });
  afterAll(() => pgServer?.stop());

  it('finds the server binaries of the highest installed major version', async () => {
    expect(await findPostgresBin()).toMatch(/^\/usr\/lib\/postgresql\/\d+\/bin$/);
  });

  it('names the missing Debian package when Postgres is not installed', async () => {
    await expect(findPostgresBin('/nonexistent', '/nonexistent/bin')).rejects.toThrow(
      'install the Debian package "postgresql" (on bookworm it brings "postgresql-15", which holds initdb and pg_ctl)',
    );
  });

  it('answers SELECT 1 on 127.0.0.1 as superuser postgres', async () => {
    expect(pgServer.url).toBe(`postgres://postgres@127.0.0.1:${pgServer.port}/postgres`);
    const rows = await query<{ one: number; superuser: string; fsync: string }>(
      pgServer.url,
      "SELECT 1 AS one, current_setting('is_superuser') AS superuser, current_setting('fsync') AS fsync",
    );
    expect(rows).toEqual([{ one: 1, superuser: 'on', fsync: 'off' }]);
  });

  it('creates databases and returns their URLs, quoting odd names', async () => {
    for (const name of ['modgate_e2e', 'Odd "name" 1']) {
      const url = await pgServer.createDatabase(name);
      const rows = await query<{ db: string }>(url, 'SELECT current_database() AS db');
      expect(rows).toEqual([{ db: name }]);
    }
  });

  it('stop() ends the server and removes its directory (idempotent)', async () => {
    await pgServer.stop();
    await pgServer.stop();
    await expect(access(pgServer.dir)).rejects.toThrow('ENOENT');
    await expect(query(pgServer.url, 'SELECT 1')).rejects.toThrow('ECONNREFUSED');
  });
});
