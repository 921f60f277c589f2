import { mkdir, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import pg from 'pg';
import { ADMIN_AUTH, bearerAuth, freePort, startModgate, startStack, type ModgateProcess, type Stack } from './support/index.js';
import { rawGet, rawPost, rawRequest } from './http-client.js';

const MODULE = 'example.com/audit/load';
const MOD_PATH = `/${MODULE}/@v/v1.0.0.mod`;
const GO_MOD = `module ${MODULE}\n\ngo 1.19\n`;

interface Pull {
  status: number;
  requestId: string | undefined;
  complete: boolean;
}

/** One GET over a keep-alive agent; `complete` when the whole body arrived. Never rejects. */
function pull(agent: Agent, baseUrl: string, path: string, token: string): Promise<Pull> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    const req = request({ host: url.hostname, port: url.port, path, agent, headers: bearerAuth(token) }, (res) => {
      let received = 0;
      res.on('data', (chunk: Buffer) => (received += chunk.length));
      res.on('end', () => {
        const complete = res.complete && received === Number(res.headers['content-length']);
        resolve({ status: res.statusCode ?? 0, requestId: res.headers['x-request-id'] as string | undefined, complete });
      });
      res.on('error', () => resolve({ status: res.statusCode ?? 0, requestId: undefined, complete: false }));
    });
    req.on('error', () => resolve({ status: 0, requestId: undefined, complete: false }));
    req.end();
  });
}

/**
 * The audit log's durability on a real Postgres through the real server: exact counts under
 * concurrency, no completed pull lost to `kill -9`, fail closed, and tampering found by verify.
 */
describe('audit log durability (real server, real Postgres)', () => {
  let stack: Stack;
  let dir: string;
  let databaseUrl: string;
  let db: pg.Client;
  let modgate: ModgateProcess;
  let env: () => Promise<Record<string, string>>;

  const createToken = async (name: string): Promise<string> => {
    const response = await rawPost(modgate.url, '/api/tokens', Buffer.from(JSON.stringify({ name, scopes: ['read'] })), { headers: ADMIN_AUTH });
    expect(response.status).toBe(201);
    return (JSON.parse(response.body.toString()) as { token: string }).token;
  };
  const count = async (where: string, params: unknown[] = []) => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM audit_event WHERE ${where}`, params)).rows[0]!.n);
  const verify = async () => {
    const response = await rawRequest('POST', modgate.url, '/api/audit/verify', { headers: ADMIN_AUTH });
    expect(response.status).toBe(200);
    return JSON.parse(response.body.toString()) as { ok: boolean; checked: number; headSeq: number; broken: { id: number | null; seq: number; reason: string } | null };
  };

  beforeAll(async () => {
    stack = await startStack({ name: 'audit-durability', tls: false, database: 'postgres', upstream: 'empty' });
    ({ dir, modgate } = stack);
    databaseUrl = stack.databaseUrl!;
    const tree = join(dir, 'upstream', MODULE, '@v');
    await mkdir(tree, { recursive: true });
    await writeFile(join(tree, 'v1.0.0.info'), '{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}');
    await writeFile(join(tree, 'v1.0.0.mod'), GO_MOD);
    await writeFile(join(tree, 'list'), 'v1.0.0\n');
    db = new pg.Client({ connectionString: databaseUrl });
    // Every process shares the database and the blob store (the data dir): they are replicas.
    env = async () => ({ ...stack.env, MODGATE_LISTEN: `127.0.0.1:${await freePort()}` });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    await db?.end().catch(() => undefined);
    await stack?.stop();
  });

  it('records exactly one event per pull for 10,000 concurrent pulls', async () => {
    const token = await createToken('load-10k');
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    try {
      expect((await pull(agent, modgate.url, MOD_PATH, token)).status).toBe(200);
      // Pulls only: a slow run may outlive the token's cached verification and log in once more.
      const before = await count("principal_name = 'load-10k' AND action = 'goproxy.mod'");
      const started = Date.now();
      const pulls = await Promise.all(Array.from({ length: 10_000 }, () => pull(agent, modgate.url, MOD_PATH, token)));
      const seconds = (Date.now() - started) / 1000;
      process.stderr.write(`audit: 10,000 concurrent pulls in ${seconds.toFixed(1)} s (${Math.round(10_000 / seconds)}/s)\n`);
      expect(pulls.filter((p) => p.status !== 200 || !p.complete)).toEqual([]);
      expect((await count("principal_name = 'load-10k' AND action = 'goproxy.mod'")) - before).toBe(10_000);
      const ids = pulls.map((p) => p.requestId!);
      expect(new Set(ids).size).toBe(10_000);
      expect(await count("request_id = ANY($1) AND action = 'goproxy.mod' AND status = 200 AND module = $2 AND version = 'v1.0.0'", [ids, MODULE])).toBe(10_000);
    } finally {
      agent.destroy();
    }
    expect((await verify()).ok).toBe(true);
  }, 60_000);

  it('loses no completed pull when the server is killed with kill -9 during load', async () => {
    const token = await createToken('load-kill');
    const victim = await startModgate({ env: await env(), readyTimeoutMs: 60_000 });
    const agent = new Agent({ keepAlive: true, maxSockets: 32 });
    const completed: string[] = [];
    let failed = 0;
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const p = await pull(agent, victim.url, MOD_PATH, token);
        if (p.status === 200 && p.complete && p.requestId) completed.push(p.requestId);
        else if (p.status === 0) {
          failed++;
          if (stop) return;
          await new Promise((r) => setTimeout(r, 5));
        }
      }
    };
    try {
      const workers = Array.from({ length: 32 }, worker);
      // Killed in the middle of the load: once 250 pulls have completed (at most 30 s on a busy machine).
      for (let waited = 0; completed.length < 250 && waited < 30_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      await victim.kill9();
      await new Promise((r) => setTimeout(r, 200));
      stop = true;
      await Promise.all(workers);
    } finally {
      agent.destroy();
      await victim.stop();
    }
    process.stderr.write(`audit: ${completed.length} pulls completed before kill -9, ${failed} failed after it\n`);
    expect(completed.length).toBeGreaterThan(200);
    expect(await count('request_id = ANY($1)', [completed])).toBe(completed.length);
    // The crash left no half-written batch behind: the chain still verifies.
    expect((await verify()).ok).toBe(true);
  }, 90_000);

  it('fails closed with 503 when the audit log cannot be written, and serves again when it can', async () => {
    const token = await createToken('fail-closed');
    await db.query('ALTER TABLE audit_chain RENAME TO audit_chain_away');
    try {
      const refused = await rawGet(modgate.url, MOD_PATH, { headers: bearerAuth(token) });
      expect(refused.status).toBe(503);
      expect(refused.headers['content-type']).toMatch(/^text\/plain/);
      expect(refused.body.toString()).toBe('modgate: audit log unavailable; refusing to serve (fail closed)\n');
    } finally {
      await db.query('ALTER TABLE audit_chain_away RENAME TO audit_chain');
    }
    expect((await rawGet(modgate.url, MOD_PATH, { headers: bearerAuth(token) })).status).toBe(200);
    expect(modgate.stdout()).toMatch(/audit event\(s\) not committed/);
  });

  it('serves without an event when fail-open is configured, and says so in the log', async () => {
    const open = await startModgate({ env: { ...(await env()), MODGATE_AUDIT_FAIL_OPEN: 'true' }, readyTimeoutMs: 60_000 });
    try {
      expect(open.stdout()).toMatch(/MODGATE_AUDIT_FAIL_OPEN=true: pulls are served even when/);
      const token = await createToken('fail-open');
      await db.query('ALTER TABLE audit_chain RENAME TO audit_chain_away');
      try {
        const served = await rawGet(open.url, MOD_PATH, { headers: bearerAuth(token) });
        expect(served.status).toBe(200);
        expect(served.body.toString()).toBe(GO_MOD);
      } finally {
        await db.query('ALTER TABLE audit_chain_away RENAME TO audit_chain');
      }
      expect(open.stdout()).toMatch(/fail open: served 1 request\(s\) without an audit event/);
    } finally {
      await open.stop();
    }
  }, 90_000);

  describe('verify finds tampering through the admin API', () => {
    const row = async (seq: number) => (await db.query<Record<string, unknown>>('SELECT * FROM audit_event WHERE seq = $1', [seq])).rows[0]!;
    const reinsert = async (r: Record<string, unknown>) => {
      const columns = Object.keys(r);
      await db.query(`INSERT INTO audit_event (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, columns.map((c) => r[c]));
    };

    it('reports an edited row', async () => {
      const target = await row(100);
      await db.query("UPDATE audit_event SET principal_name = 'someone-else' WHERE seq = 100");
      try {
        expect((await verify()).broken).toEqual({ id: Number(target.id), seq: 100, reason: 'content does not match its hash (edited)' });
      } finally {
        await db.query('UPDATE audit_event SET principal_name = $1 WHERE seq = 100', [target.principal_name]);
      }
      expect((await verify()).ok).toBe(true);
    });

    it('reports a deleted row', async () => {
      const target = await row(200);
      const next = await row(201);
      await db.query('DELETE FROM audit_event WHERE seq = 200');
      try {
        expect((await verify()).broken).toEqual({ id: Number(next.id), seq: 201, reason: 'seq 200 missing before this event (deleted)' });
      } finally {
        await reinsert(target);
      }
      expect((await verify()).ok).toBe(true);
    });

    it('reports a row inserted out of band', async () => {
      const { rows } = await db.query<{ id: string; seq: string }>(
        `INSERT INTO audit_event (seq, time, action, principal_kind, principal_name, prev_hash, hash)
         SELECT last_seq + 1000, now(), 'goproxy.zip', 'user', 'mallory', last_hash, repeat('0', 64) FROM audit_chain RETURNING id, seq`,
      );
      try {
        const report = await verify();
        expect(report.broken).toEqual({ id: Number(rows[0]!.id), seq: Number(rows[0]!.seq), reason: expect.stringMatching(/beyond the chain head .* \(inserted out of band\)/) });
      } finally {
        await db.query('DELETE FROM audit_event WHERE id = $1', [rows[0]!.id]);
      }
      expect((await verify()).ok).toBe(true);
    });
  });
});
