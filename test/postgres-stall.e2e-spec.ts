import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { ADMIN_AUTH, bearerAuth, startStack, type ModgateProcess, type Stack, type TestPostgres } from './support/index.js';
import { rawGet, rawPost } from './http-client.js';

const MODULE = 'example.com/stall/lib';
const GO_MOD = `module ${MODULE}\n\ngo 1.19\n`;
const STATEMENT_TIMEOUT_MS = 1500;
const FAIL_CLOSED_BODY = 'modgate: audit log unavailable; refusing to serve (fail closed)\n';
/** The longest the test keeps Postgres frozen: far beyond the bound, so a hung request is seen hanging. */
const MAX_STALL_MS = 20_000;

interface Answer {
  path: string;
  status: number;
  requestId: string | undefined;
  /** Whether the answer came while Postgres was still frozen. */
  duringStall: boolean;
  ms: number;
}

/**
 * A Postgres that stops answering (SIGSTOP, not down): requests answer 503 within the configured
 * statement timeout, and the audit log records what the clients got (the refusal), never a 200
 * committed after the fact.
 */
describe('Postgres frozen with SIGSTOP (real server, real Postgres)', () => {
  let stack: Stack;
  let postgres: TestPostgres;
  let db: pg.Client;
  let modgate: ModgateProcess;

  beforeAll(async () => {
    stack = await startStack({
      name: 'pg-stall',
      tls: false,
      database: 'postgres',
      upstream: 'empty',
      env: { MODGATE_DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS) },
    });
    ({ modgate } = stack);
    postgres = stack.postgres!;
    const tree = join(stack.dir, 'upstream', MODULE, '@v');
    await mkdir(tree, { recursive: true });
    await writeFile(join(tree, 'v1.0.0.info'), '{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}');
    await writeFile(join(tree, 'v1.0.0.mod'), GO_MOD);
    await writeFile(join(tree, 'list'), 'v1.0.0\n');
    await writeFile(join(stack.dir, 'upstream', MODULE, '@latest'), '{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}');
    db = new pg.Client({ connectionString: stack.databaseUrl });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    await postgres?.thaw().catch(() => undefined);
    await db?.end().catch(() => undefined);
    await stack?.stop();
  });

  it('answers 503 within the statement timeout while frozen, and audits the refusals, not 200s', async () => {
    const created = await rawPost(modgate.url, '/api/tokens', Buffer.from(JSON.stringify({ name: 'stall', scopes: ['read'] })), { headers: ADMIN_AUTH });
    expect(created.status).toBe(201);
    const auth = bearerAuth((JSON.parse(created.body.toString()) as { token: string }).token);
    const paths = [`/${MODULE}/@v/v1.0.0.mod`, `/${MODULE}/@v/v1.0.0.info`, `/${MODULE}/@v/list`, `/${MODULE}/@latest`];
    // Warm: the version is cached and the token known, so the pulls below need only the database.
    for (const path of paths) expect((await rawGet(modgate.url, path, { headers: auth })).status).toBe(200);

    await postgres.freeze();
    let frozen = true;
    let answers: Answer[];
    try {
      const started = Date.now();
      const ask = async (path: string): Promise<Answer> => {
        const response = await rawGet(modgate.url, path, { headers: auth });
        return { path, status: response.status, requestId: response.headers['x-request-id'] as string | undefined, duringStall: frozen, ms: Date.now() - started };
      };
      const all = Promise.all(paths.map(ask));
      await Promise.race([all, new Promise((resolve) => setTimeout(resolve, MAX_STALL_MS))]);
      await postgres.thaw();
      frozen = false;
      answers = await all;
    } finally {
      if (frozen) await postgres.thaw();
    }
    process.stderr.write(`postgres stall: ${answers.map((a) => `${a.path.split('/').pop()} ${a.status} in ${a.ms} ms`).join(', ')}\n`);
    expect(answers.map((a) => [a.path, a.status, a.duringStall])).toEqual(paths.map((path) => [path, 503, true]));

    // Served again once Postgres answers.
    expect((await rawGet(modgate.url, paths[0]!, { headers: auth })).status).toBe(200);
    const ids = answers.map((a) => a.requestId!);
    expect(ids.every(Boolean)).toBe(true);
    // Every statement sent during the stall has run by now: none of them may have written a 200.
    await waitFor(async () => Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND backend_type = 'client backend'")).rows[0]!.n) === 0);
    const rowsOf = async () => (await db.query<{ request_id: string; status: number; bytes: string | null }>('SELECT request_id, status, bytes FROM audit_event WHERE request_id = ANY($1)', [ids])).rows;
    // The refusals are recorded once the database is back (they waited in the writer's backlog).
    await waitFor(async () => new Set((await rowsOf()).map((r) => r.request_id)).size === ids.length);
    const rows = await rowsOf();
    expect(rows.filter((r) => r.status !== 503)).toEqual([]);
    expect(rows.map((r) => r.request_id).sort()).toEqual([...ids].sort());
    // No module bytes: what was sent is the fail-closed line.
    expect(rows.map((r) => Number(r.bytes))).toEqual(ids.map(() => Buffer.byteLength(FAIL_CLOSED_BODY)));
    expect(modgate.stdout()).toMatch(/committed \d+ refusal event\(s\) recorded while the database was away/);
  }, 90_000);
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
