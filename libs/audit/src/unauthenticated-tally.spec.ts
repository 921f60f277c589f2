import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ModgateConfig } from '#config';
import { openDatabase, type Database } from '#db';
import { AuditEventRepository } from './audit-event.repository.js';
import { AuditHttpHook } from './audit-http.hook.js';
import { AuditVerifyService } from './audit-verify.service.js';
import { AuditWriter } from './audit-writer.service.js';
import { UnauthenticatedTally } from './unauthenticated-tally.service.js';

const config = { audit: { enabled: true, failOpen: false, retentionDays: 0, trustedProxies: ['127.0.0.1'] } } as ModgateConfig;

/**
 * Unauthenticated refusals on a real Fastify with the real hook, writer and chain on embedded
 * PGlite: counted per minute, address, action and status, one row per count.
 */
describe('UnauthenticatedTally', () => {
  let dir: string;
  let db: Database;
  let app: FastifyInstance;
  let tally: UnauthenticatedTally;
  let verify: AuditVerifyService;
  let writer: AuditWriter;
  let now = Date.UTC(2026, 0, 1, 12, 0, 5);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modgate-tally-'));
    db = await openDatabase({ kind: 'pglite', dir: join(dir, 'db') });
    const repository = new AuditEventRepository(db.sql);
    writer = new AuditWriter(config, repository);
    verify = new AuditVerifyService(repository);
    tally = new UnauthenticatedTally(writer, { now: () => now });
    app = Fastify();
    new AuditHttpHook(config, writer, tally).register(app);
    app.addHook('onRequest', async (request) => {
      if (request.headers.authorization === 'ok') (request as { principal?: unknown }).principal = { kind: 'user', name: 'alice', groups: [] };
    });
    app.post('/webhooks/github', async (_request, reply) => reply.code(401).type('text/plain').send('modgate: bad signature\n'));
    app.get('/*', async (request, reply) => {
      if (!request.headers.authorization) return reply.code(401).type('text/plain').send('modgate: authentication required\n');
      if (request.headers.authorization === 'ok') return reply.type('text/plain').send('v1.0.0\n');
      return reply.code(429).type('text/plain').send('modgate: too many failed logins from 10.0.0.9; try again in 5 s\n');
    });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rows = () =>
    db.sql.query<{ action: string; ip: string; status: number; detail: { count: number; users?: string[] } | null; principal_kind: string }>(
      'SELECT action, ip, status, detail, principal_kind FROM audit_event ORDER BY seq',
    );
  const get = (ip: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url: '/example.com/m/@v/list', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': ip, ...headers } });

  it('records the first refusal of each minute, address, action and status at once, and counts the rest into one row', async () => {
    const answers = await Promise.all([
      ...Array.from({ length: 300 }, () => get('203.0.113.1')),
      ...Array.from({ length: 50 }, () => get('203.0.113.2')),
      ...Array.from({ length: 20 }, () => get('203.0.113.1', { authorization: 'wrong' })),
      ...Array.from({ length: 30 }, () => app.inject({ method: 'POST', url: '/webhooks/github', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.3' }, payload: {} })),
    ]);
    expect(new Set(answers.map((a) => a.statusCode))).toEqual(new Set([401, 429]));
    expect(answers[0]!.body).toBe('modgate: authentication required\n');
    expect((await get('203.0.113.1', { authorization: 'ok' })).statusCode).toBe(200);
    const firsts = (await rows()).map((r) => [r.action, r.ip, r.status, r.detail?.count ?? null]);
    expect(firsts).toHaveLength(5);
    expect(firsts).toEqual(
      expect.arrayContaining([
        ['goproxy.list', '203.0.113.1', 401, null],
        ['goproxy.list', '203.0.113.2', 401, null],
        ['goproxy.list', '203.0.113.1', 429, null],
        ['webhook.delivery', '203.0.113.3', 401, null],
        ['goproxy.list', '203.0.113.1', 200, null],
      ]),
    );
    now += 60_000;
    expect((await get('203.0.113.1')).statusCode).toBe(401);
    await tally.flush();
    const counted = (await rows()).slice(5).map((r) => [r.action, r.ip, r.status, r.detail?.count ?? null, r.principal_kind]);
    expect(counted).toEqual(
      expect.arrayContaining([
        ['goproxy.list', '203.0.113.1', 401, 299, 'anonymous'],
        ['goproxy.list', '203.0.113.2', 401, 49, 'anonymous'],
        ['goproxy.list', '203.0.113.1', 429, 19, 'anonymous'],
        ['webhook.delivery', '203.0.113.3', 401, 29, 'anonymous'],
        // The next minute's first refusal, in full.
        ['goproxy.list', '203.0.113.1', 401, null, 'anonymous'],
      ]),
    );
    expect(counted).toHaveLength(5);
    await tally.beforeApplicationShutdown();
    expect((await rows()).length).toBe(10);
    expect((await verify.verify()).ok).toBe(true);
  });

  it('keeps the user names tried, and bounds the number of addresses per minute', async () => {
    const bounded = new UnauthenticatedTally(writer, { now: () => now, maxBuckets: 3 });
    for (let i = 0; i < 100; i++) {
      void bounded.count({ action: 'auth.login', principal: { kind: 'user', name: `user${i % 30}`, groups: [] }, ip: `198.51.100.${i}`, status: 401, reason: 'invalid user name or password' });
    }
    await bounded.flush(true);
    const written = (await rows()).slice(10);
    expect(written.map((r) => [r.ip, r.detail?.count ?? null])).toEqual([
      ['198.51.100.0', null],
      ['198.51.100.1', null],
      ['198.51.100.2', null],
      [null, 97],
    ]);
    expect(written[3]!.detail?.users).toHaveLength(20);
    expect((await verify.verify()).ok).toBe(true);
  });
});
