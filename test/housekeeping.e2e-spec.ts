import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { startModgate, startStack, type Stack } from './support/index.js';

const DAY_MS = 86_400_000;

/**
 * What a kill -9 and failed clones leave on disk, and old webhook deliveries and sync jobs: a
 * restarted modgate (real Postgres) removes them at start, and keeps everything still in use.
 */
describe('housekeeping at start (real Postgres, planted leftovers)', () => {
  let stack: Stack;
  let dir: string;
  let env: Record<string, string>;
  let client: pg.Client;

  const plant = async (path: string, ageMs: number, content?: string) => {
    if (content === undefined) await mkdir(path, { recursive: true });
    else await writeFile(path, content);
    await utimes(path, new Date(Date.now() - ageMs), new Date(Date.now() - ageMs));
  };

  beforeAll(async () => {
    stack = await startStack({ name: 'housekeeping', tls: false, database: 'postgres', env: { MODGATE_SYNC_HISTORY_DAYS: '7' } });
    ({ dir, env } = stack);
    // A first start creates the schema.
    await stack.modgate.stop();
    client = new pg.Client({ connectionString: stack.databaseUrl });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await stack?.stop();
  });

  it('removes temp zips and unfinished clones left by a crash, and prunes old deliveries and finished jobs', async () => {
    const tmp = join(dir, 'data', 'tmp');
    const git = join(dir, 'data', 'git');
    await mkdir(tmp, { recursive: true });
    await plant(join(tmp, 'killed-mid-download.zip'), 2 * DAY_MS, 'PK');
    await plant(join(tmp, 'downloading-now.zip'), 0, 'PK');
    await plant(join(git, 'abc.git.partial'), 2 * DAY_MS);
    await plant(join(git, 'abc.git.partial', 'HEAD'), 2 * DAY_MS, 'ref: refs/heads/main\n');
    await plant(join(git, 'abc.git.partial'), 2 * DAY_MS);
    await plant(join(git, 'def.git.init-4242-0a1b2c3d'), 2 * DAY_MS);
    await plant(join(git, 'complete.git'), 2 * DAY_MS);
    await client.query(
      `INSERT INTO webhook_delivery (id, provider, event, code_root, body_sha256, received_at) VALUES
         ('github:old', 'github', 'push', NULL, 'x', now() - interval '30 days'),
         ('github:recent', 'github', 'push', NULL, 'x', now() - interval '1 day')`,
    );
    await client.query(
      `INSERT INTO sync_job (code_root, reason, state, created_at, finished_at) VALUES
         ('git.corp.example/a/done-old', 'manual', 'done', now() - interval '30 days', now() - interval '30 days'),
         ('git.corp.example/a/failed-old', 'manual', 'failed', now() - interval '30 days', now() - interval '29 days'),
         ('git.corp.example/a/done-recent', 'manual', 'done', now() - interval '1 day', now() - interval '1 day')`,
    );

    const modgate = await startModgate({ env });
    try {
      await modgate.waitForOutput(/removed 1 leftover temporary zip\(s\), 2 unfinished clone\(s\); pruned 1 webhook deliveries and 2 sync jobs older than 7 days/);
    } finally {
      await modgate.stop();
    }
    expect(await readdir(tmp)).toEqual(['downloading-now.zip']);
    expect(await readdir(git)).toEqual(['complete.git']);
    expect((await client.query('SELECT id FROM webhook_delivery ORDER BY id')).rows).toEqual([{ id: 'github:recent' }]);
    expect((await client.query('SELECT code_root FROM sync_job ORDER BY id')).rows).toEqual([{ code_root: 'git.corp.example/a/done-recent' }]);
  });
});
