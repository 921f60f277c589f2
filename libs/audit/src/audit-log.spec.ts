import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { ModgateConfig } from '#config';
import { openDatabase, type Database } from '#db';
import { FsBlobStore } from '#storage';
import { canonicalEvent, chainHash, GENESIS_HASH, normalizeEvent, type AuditEvent, type AuditEventInput } from './audit-event.js';
import { AuditDeadlineError, AuditEventRepository } from './audit-event.repository.js';
import { AuditExportService } from './audit-export.service.js';
import { AuditQueryService } from './audit-query.service.js';
import { AuditRetentionService } from './audit-retention.service.js';
import { AuditVerifyService } from './audit-verify.service.js';
import { AuditWriter } from './audit-writer.service.js';
import { AuditUnavailableError } from './audit.errors.js';

const gunzipAsync = promisify(gunzip);
const DAY = 86_400_000;

function configWith(audit: Partial<ModgateConfig['audit']> = {}): ModgateConfig {
  return { audit: { enabled: true, failOpen: false, retentionDays: 30, trustedProxies: [], ...audit } } as ModgateConfig;
}

const alice = { kind: 'user' as const, name: 'alice', groups: ['dev'] };
const bob = { kind: 'user' as const, name: 'bob', groups: ['ops', 'dev'] };
const ci = { kind: 'token' as const, name: 'ci-deploy', groups: [] };

/** The audit log on embedded PGlite (the real database engine of the default install, in-process). */
describe('audit log on embedded PGlite', () => {
  let dir: string;
  let db: Database;
  let repository: AuditEventRepository;
  let writer: AuditWriter;
  let verify: AuditVerifyService;
  let query: AuditQueryService;
  let exporter: AuditExportService;

  const reopen = async () => {
    dir = mkdtempSync(join(tmpdir(), 'modgate-audit-'));
    db = await openDatabase({ kind: 'pglite', dir: join(dir, 'db') });
    repository = new AuditEventRepository(db.sql);
    writer = new AuditWriter(configWith(), repository);
    verify = new AuditVerifyService(repository);
    query = new AuditQueryService(repository);
    exporter = new AuditExportService(repository);
  };
  const close = async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  const rows = async (where = 'TRUE') => db.sql.query<Record<string, unknown>>(`SELECT * FROM audit_event WHERE ${where} ORDER BY seq`);

  describe('writing and verifying', () => {
    beforeAll(reopen);
    afterAll(close);

    it('commits concurrent events in few transactions, with contiguous seqs and a linked chain', async () => {
      const append = repository.append.bind(repository);
      let transactions = 0;
      repository.append = (batch) => {
        transactions++;
        return append(batch);
      };
      await Promise.all(Array.from({ length: 300 }, (_, i) => writer.record({ action: 'goproxy.mod', principal: alice, module: `example.com/m${i % 7}`, version: 'v1.0.0', status: 200 })));
      expect(transactions).toBeLessThan(10);
      const stored = await rows();
      expect(stored.map((r) => Number(r.seq))).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      expect(stored[0]!.prev_hash).toBe(GENESIS_HASH);
      for (let i = 1; i < stored.length; i++) expect(stored[i]!.prev_hash).toBe(stored[i - 1]!.hash);
      const head = await repository.head();
      expect(head).toEqual({ seq: 300, hash: stored[299]!.hash });
      repository.append = append;
    });

    it('keeps one chain when several writers (replicas) append in turns', async () => {
      const replicas = [new AuditEventRepository(db.sql), new AuditEventRepository(db.sql), repository];
      const writers = replicas.map((r) => new AuditWriter(configWith(), r));
      for (let round = 0; round < 5; round++) {
        await Promise.all(writers.map((w, i) => w.record({ action: 'goproxy.info', principal: bob, module: `example.com/replica${i}`, status: 200 })));
      }
      const head = await repository.head();
      expect(head.seq).toBe(315);
      expect((await verify.verify()).ok).toBe(true);
      expect(await rows('seq > 300')).toHaveLength(15);
    });

    it('recomputes the same hash from what Postgres gives back, for awkward values too', async () => {
      await writer.record({
        action: 'auth.login',
        principal: { kind: 'user', name: 'zoë "quote" \\ back', groups: ['a,b', 'ü'] },
        ip: '2001:db8::1',
        userAgent: 'UA with \u2028 and 😀 and \uD800 lone',
        reason: 'line\nbreak\ttab',
        status: 401,
        bytes: 2 ** 40,
        cacheHit: false,
        durationMs: 3.4,
        detail: { z: 1.5, a: ['x', 'y'], big: 1e21, nested: 'é', no: null, yes: true },
      });
      const report = await verify.verify();
      expect(report).toMatchObject({ ok: true, checked: 316, fromSeq: 0, headSeq: 316, broken: null });
    });

    it('detects an edited row', async () => {
      const [row] = await rows('seq = 10');
      await db.sql.query('UPDATE audit_event SET status = 500 WHERE seq = 10');
      expect((await verify.verify()).broken).toEqual({ id: Number(row!.id), seq: 10, reason: 'content does not match its hash (edited)' });
      await db.sql.query('UPDATE audit_event SET status = $1 WHERE seq = 10', [row!.status]);
      expect((await verify.verify()).ok).toBe(true);
    });

    it('detects a row whose hash was recomputed after an edit (the next link breaks)', async () => {
      const [row] = await rows('seq = 20');
      const event = (await repository.chainSlice(19, 20, 1))[0]!;
      const forged = { ...event, principalName: 'mallory' };
      await db.sql.query('UPDATE audit_event SET principal_name = $1, hash = $2 WHERE seq = 20', ['mallory', chainHash(event.prevHash, canonicalEvent(forged))]);
      const [next] = await rows('seq = 21');
      expect((await verify.verify()).broken).toEqual({ id: Number(next!.id), seq: 21, reason: expect.stringMatching(/^prev_hash does not match/) });
      await db.sql.query('UPDATE audit_event SET principal_name = $1, hash = $2 WHERE seq = 20', [row!.principal_name, row!.hash]);
      expect((await verify.verify()).ok).toBe(true);
    });

    it('detects a deleted row', async () => {
      const [row] = await rows('seq = 50');
      const [next] = await rows('seq = 51');
      await db.sql.query('DELETE FROM audit_event WHERE seq = 50');
      expect((await verify.verify()).broken).toEqual({ id: Number(next!.id), seq: 51, reason: 'seq 50 missing before this event (deleted)' });
      await reinsert(row!);
      expect((await verify.verify()).ok).toBe(true);
    });

    it('detects a deleted tail', async () => {
      const [row] = await rows('seq = 316');
      await db.sql.query('DELETE FROM audit_event WHERE seq = 316');
      expect((await verify.verify()).broken).toEqual({ id: null, seq: 316, reason: expect.stringMatching(/^events 316 to 316 are missing/) });
      await reinsert(row!);
    });

    it('detects a row inserted out of band, beyond the head or in place of another', async () => {
      await db.sql.query(
        `INSERT INTO audit_event (seq, time, action, principal_kind, principal_name, prev_hash, hash)
         VALUES (317, now(), 'goproxy.zip', 'user', 'mallory', (SELECT last_hash FROM audit_chain), 'f00')`,
      );
      const [forged] = await rows('seq = 317');
      expect((await verify.verify()).broken).toEqual({ id: Number(forged!.id), seq: 317, reason: expect.stringMatching(/beyond the chain head 316 \(inserted out of band\)/) });
      await db.sql.query('DELETE FROM audit_event WHERE seq = 317');

      const [original] = await rows('seq = 30');
      await db.sql.query('DELETE FROM audit_event WHERE seq = 30');
      await db.sql.query(
        `INSERT INTO audit_event (seq, time, action, principal_kind, principal_name, prev_hash, hash)
         VALUES (30, now(), 'goproxy.zip', 'user', 'mallory', $1, 'f00')`,
        [original!.prev_hash],
      );
      const [replaced] = await rows('seq = 30');
      expect((await verify.verify()).broken).toEqual({ id: Number(replaced!.id), seq: 30, reason: 'content does not match its hash (edited)' });
      await db.sql.query('DELETE FROM audit_event WHERE seq = 30');
      await reinsert(original!);
      expect((await verify.verify()).ok).toBe(true);
    });

    it('fails closed when the database is gone', async () => {
      const refused = () => Promise.reject(new Error('connection refused'));
      const broken = new AuditWriter(configWith(), new AuditEventRepository({ description: 'down', query: refused, transaction: refused } as unknown as typeof db.sql));
      await expect(broken.record({ action: 'goproxy.zip', principal: alice })).rejects.toThrow(AuditUnavailableError);
      await expect(broken.record({ action: 'goproxy.zip', principal: alice })).rejects.toThrow(/audit log unavailable: connection refused/);
    });

    it('gives up on a commit that hangs (pulls are refused rather than held forever)', async () => {
      const hanging = new AuditWriter(
        configWith(),
        new AuditEventRepository({ description: 'hung', query: () => new Promise(() => undefined), transaction: () => new Promise(() => undefined) } as unknown as typeof db.sql),
        { commitTimeoutMs: 50 },
      );
      await expect(hanging.record({ action: 'goproxy.zip', principal: alice })).rejects.toThrow(/audit commit took over 50 ms/);
    });

    it('writes nothing when the statement reaches the database after its deadline', async () => {
      const before = await repository.head();
      const late = normalizeEvent({ action: 'goproxy.mod', principal: alice, status: 200, requestId: 'late-1' }, 0);
      await expect(repository.append([late], new Date(Date.now() - 1000))).rejects.toThrow(AuditDeadlineError);
      expect(await repository.head()).toEqual(before);
      expect(await rows("request_id = 'late-1'")).toEqual([]);
    });

    it('commits the batches of several workers together (the cluster primary) and reports each commit to one of them', async () => {
      const append = repository.append.bind(repository);
      let transactions = 0;
      repository.append = (batch, deadline) => {
        transactions++;
        return append(batch, deadline);
      };
      const batchOf = (worker: string, n: number) =>
        Array.from({ length: n }, (_, i) => normalizeEvent({ action: 'goproxy.mod', principal: alice, status: 200, requestId: `${worker}-${i}` }, 0));
      const deadline = new Date(Date.now() + 10_000);
      try {
        const reports = await Promise.all([writer.commitForWorker(batchOf('w1', 3), deadline), writer.commitForWorker(batchOf('w2', 2), deadline)]);
        expect(transactions).toBe(1);
        const reported = reports.flatMap((report) => report.commits);
        expect(reported).toHaveLength(1);
        expect(reported[0]!.size).toBe(5);
        expect(await rows("request_id LIKE 'w_-%'")).toHaveLength(5);
        expect((await verify.verify()).ok).toBe(true);
      } finally {
        repository.append = append;
      }
    });

    it("writes nothing of a worker's batch that reaches the primary after its deadline", async () => {
      const before = await repository.head();
      const late = [normalizeEvent({ action: 'goproxy.mod', principal: alice, status: 200, requestId: 'late-worker' }, 0)];
      await expect(writer.commitForWorker(late, new Date(Date.now() - 1))).rejects.toThrow(/missed its deadline/);
      expect(await repository.head()).toEqual(before);
      expect(await rows("request_id = 'late-worker'")).toEqual([]);
    });

    it('keeps a refusal recorded while the database is away and commits it with the next batch', async () => {
      let away = true;
      const flaky = {
        ...db.sql,
        description: 'flaky',
        query: (sql: string, params?: unknown[], options?: { name?: string }) => (away ? Promise.reject(new Error('connection refused')) : db.sql.query(sql, params, options)),
        transaction: (fn: Parameters<typeof db.sql.transaction>[0]) => (away ? Promise.reject(new Error('connection refused')) : db.sql.transaction(fn)),
      } as typeof db.sql;
      const flakyWriter = new AuditWriter(configWith(), new AuditEventRepository(flaky));
      await expect(flakyWriter.record({ action: 'goproxy.mod', principal: alice, status: 200, requestId: 'away-1' })).rejects.toThrow(AuditUnavailableError);
      flakyWriter.recordLater({ action: 'goproxy.mod', principal: alice, status: 503, requestId: 'away-1' });
      await flakyWriter.drain();
      expect(await rows("request_id = 'away-1'")).toEqual([]);
      away = false;
      await flakyWriter.record({ action: 'goproxy.mod', principal: alice, status: 200, requestId: 'back-1' });
      expect((await rows("request_id IN ('away-1', 'back-1')")).map((r) => [r.request_id, r.status])).toEqual([
        ['away-1', 503],
        ['back-1', 200],
      ]);
      expect((await verify.verify()).ok).toBe(true);
    });

    it('does nothing when the audit log is off (benchmarks)', async () => {
      const off = new AuditWriter(configWith({ enabled: false }), repository);
      const before = (await repository.head()).seq;
      await off.record({ action: 'goproxy.zip', principal: alice });
      expect((await repository.head()).seq).toBe(before);
    });

    async function reinsert(row: Record<string, unknown>): Promise<void> {
      const columns = Object.keys(row);
      await db.sql.query(
        `INSERT INTO audit_event (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
        columns.map((c) => row[c]),
      );
    }
  });

  describe('review queries', () => {
    const now = Date.now();
    const events: AuditEventInput[] = [
      { action: 'goproxy.zip', principal: alice, module: 'github.com/acme/lib', version: 'v1.0.0', artifact: 'zip', status: 200, ip: '10.0.0.5', bytes: 1000, cacheHit: true, time: new Date(now - 3 * DAY) },
      { action: 'goproxy.mod', principal: alice, module: 'github.com/acme/lib', version: 'v1.0.0', artifact: 'mod', status: 200, ip: '10.0.0.5', bytes: 40, time: new Date(now - 3 * DAY + 1) },
      { action: 'goproxy.zip', principal: bob, module: 'github.com/acme/lib', version: 'v1.0.0', artifact: 'zip', status: 200, ip: '192.168.7.7', bytes: 1000, cacheHit: false, time: new Date(now - 2 * DAY) },
      { action: 'goproxy.zip', principal: ci, module: 'github.com/acme/lib', version: 'v1.0.0', artifact: 'zip', status: 403, reason: 'policy denies', ip: '10.0.0.9', time: new Date(now - 2 * DAY + 5) },
      { action: 'goproxy.zip', principal: bob, module: 'github.com/acme/tool', version: 'v2.1.0', artifact: 'zip', status: 200, ip: '192.168.7.7', bytes: 5000, time: new Date(now - DAY) },
      { action: 'goproxy.list', principal: alice, module: 'github.com/other/x', artifact: 'list', status: 200, ip: '10.0.0.5', time: new Date(now - 1000) },
      { action: 'sumdb.lookup', principal: alice, module: 'github.com/acme/lib', version: 'v1.0.0', artifact: 'lookup', status: 200, time: new Date(now - 500) },
      { action: 'token.create', principal: alice, status: 200, detail: { token: 'ci-deploy', scopes: ['read'] }, time: new Date(now - 100) },
    ];

    beforeAll(async () => {
      await reopen();
      await Promise.all(events.map((e) => writer.record(e)));
    });
    afterAll(close);

    const names = async (filter: Parameters<AuditQueryService['events']>[0]['filter']) =>
      (await query.events({ filter, limit: 100, order: 'asc' })).events.map((e) => `${e.principalName}:${e.action}:${e.module ?? ''}`);

    it.each([
      ['principal', { principal: 'bob' }, ['bob:goproxy.zip:github.com/acme/lib', 'bob:goproxy.zip:github.com/acme/tool']],
      ['group', { group: 'ops' }, ['bob:goproxy.zip:github.com/acme/lib', 'bob:goproxy.zip:github.com/acme/tool']],
      ['module prefix', { module: 'github.com/acme/t' }, ['bob:goproxy.zip:github.com/acme/tool']],
      ['version', { version: 'v2.1.0' }, ['bob:goproxy.zip:github.com/acme/tool']],
      ['action family', { actions: ['token'] }, ['alice:token.create:']],
      ['exact actions', { actions: ['goproxy.list', 'sumdb.lookup'] }, ['alice:goproxy.list:github.com/other/x', 'alice:sumdb.lookup:github.com/acme/lib']],
      ['status', { status: [[400, 499]] as Array<[number, number]> }, ['ci-deploy:goproxy.zip:github.com/acme/lib']],
      ['time range', { from: new Date(now - 2 * DAY - 1000), to: new Date(now - DAY + 1) }, ['bob:goproxy.zip:github.com/acme/lib', 'ci-deploy:goproxy.zip:github.com/acme/lib', 'bob:goproxy.zip:github.com/acme/tool']],
      ['ip', { ip: '10.0.0.9' }, ['ci-deploy:goproxy.zip:github.com/acme/lib']],
      ['ip range', { ip: '192.168.0.0/16' }, ['bob:goproxy.zip:github.com/acme/lib', 'bob:goproxy.zip:github.com/acme/tool']],
      ['several at once', { principal: 'alice', module: 'github.com/acme/', actions: ['goproxy'] }, ['alice:goproxy.zip:github.com/acme/lib', 'alice:goproxy.mod:github.com/acme/lib']],
    ])('filters by %s', async (_name, filter, expected) => {
      expect(await names(filter)).toEqual(expected);
    });

    it('pages with a keyset cursor, newest first, without gaps or repeats', async () => {
      const seen: number[] = [];
      let after;
      for (let pages = 0; pages < 10; pages++) {
        const page = await query.events({ filter: {}, limit: 3, order: 'desc', after });
        seen.push(...page.events.map((e) => e.seq));
        if (!page.next) break;
        const [time, id] = page.next.split('_').map(Number);
        after = { time: new Date(time!), id: id! };
      }
      const all = (await query.events({ filter: {}, limit: 100, order: 'desc' })).events;
      expect(seen).toEqual(all.map((e) => e.seq));
      expect(all.map((e) => e.time.getTime())).toEqual([...all.map((e) => e.time.getTime())].sort((a, b) => b - a));
    });

    it('summarises top modules and principals', async () => {
      const summary = await query.summary({ from: new Date(now - 7 * DAY), to: new Date(now + 1000) });
      expect(summary).toMatchObject({ requests: 6, downloads: 3, denied: 1, bytes: 7040 });
      expect(summary.topModules[0]).toEqual({ module: 'github.com/acme/lib', requests: 4, downloads: 2, denied: 1, principals: 3 });
      expect(summary.topPrincipals.map((p) => p.name)).toEqual(['alice', 'bob', 'ci-deploy']);
    });

    it('answers who pulled a module version (blast radius)', async () => {
      const radius = await query.blastRadius('github.com/acme/lib', 'v1.0.0');
      expect(radius.principals.map((p) => ({ name: p.name, pulls: p.pulls, refused: p.refused, artifacts: p.artifacts, ips: p.ips }))).toEqual([
        { name: 'ci-deploy', pulls: 0, refused: 1, artifacts: [], ips: ['10.0.0.9'] },
        { name: 'bob', pulls: 1, refused: 0, artifacts: ['zip'], ips: ['192.168.7.7'] },
        { name: 'alice', pulls: 2, refused: 0, artifacts: ['mod', 'zip'], ips: ['10.0.0.5'] },
      ]);
    });

    it('exports NDJSON and CSV of a filter', async () => {
      const ndjson = await readAll(exporter.stream({ principal: 'alice' }, 'ndjson'));
      const lines = ndjson.trim().split('\n').map((l) => JSON.parse(l) as AuditEvent);
      expect(lines.map((e) => e.action)).toEqual(['goproxy.zip', 'goproxy.mod', 'goproxy.list', 'sumdb.lookup', 'token.create']);
      expect(lines[4]!.detail).toEqual({ token: 'ci-deploy', scopes: ['read'] });
      const csv = await readAll(exporter.stream({ principal: 'bob' }, 'csv'));
      const csvLines = csv.split('\r\n');
      expect(csvLines[0]).toMatch(/^id,seq,time,action,principal_kind,principal_name,groups,/);
      expect(csvLines).toHaveLength(4);
      expect(csvLines[1]).toContain(',user,bob,ops;dev,192.168.7.7,');
      expect(await exporter.count({ principal: 'bob' })).toBe(2);
    });
  });

  describe('retention', () => {
    let store: FsBlobStore;
    let retention: AuditRetentionService;
    const now = new Date();

    beforeAll(async () => {
      await reopen();
      store = new FsBlobStore(join(dir, 'blobs'));
      retention = new AuditRetentionService(configWith({ retentionDays: 30 }), store, repository, writer);
      for (let i = 0; i < 120; i++) {
        await writer.record({ action: 'goproxy.zip', principal: alice, module: 'example.com/old', version: `v1.0.${i}`, status: 200, time: new Date(now.getTime() - (100 - i) * DAY) });
      }
    });
    afterAll(close);

    it('archives expired events with a checkpoint, and the rest still verifies', async () => {
      // Events 1..70 are older than 30 days (i < 70); 71..120 are younger.
      const [checkpoint, ...more] = await retention.archiveExpired(now);
      expect(more).toEqual([]);
      expect(checkpoint).toMatchObject({ firstSeq: 1, lastSeq: 70, events: 70, archiveKey: 'audit/archive/000000000001-000000000070.ndjson.gz' });
      expect(Number((await db.sql.query<{ n: unknown }>('SELECT count(*) AS n FROM audit_event WHERE seq <= 70'))[0]!.n)).toBe(0);

      const report = await verify.verify();
      expect(report).toMatchObject({ ok: true, fromSeq: 70, checked: 51, checkpoint: { lastSeq: 70, lastHash: checkpoint!.lastHash } });
      const archiveEvent = (await query.events({ filter: { actions: ['audit.archive'] }, limit: 10, order: 'asc' })).events[0];
      expect(archiveEvent?.detail).toMatchObject({ firstSeq: 1, lastSeq: 70, lastHash: checkpoint!.lastHash });

      // The archive holds the events with their chain fields: it verifies on its own from the genesis.
      const { stream } = await store.get(checkpoint!.archiveKey);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      const archived = (await gunzipAsync(Buffer.concat(chunks))).toString().trim().split('\n').map((l) => JSON.parse(l) as AuditEvent & { time: string });
      expect(archived).toHaveLength(70);
      let prev = GENESIS_HASH;
      for (const e of archived) {
        expect(chainHash(prev, canonicalEvent({ ...e, time: new Date(e.time) }))).toBe(e.hash);
        prev = e.hash;
      }
      expect(prev).toBe(checkpoint!.lastHash);
    });

    it('archives nothing more until further events expire, then continues from the checkpoint', async () => {
      expect(await retention.archiveExpired(now)).toEqual([]);
      const later = await retention.archiveExpired(new Date(now.getTime() + 10 * DAY));
      expect(later.map((c) => [c.firstSeq, c.lastSeq])).toEqual([[71, 80]]);
      expect((await verify.verify()).ok).toBe(true);
    });

    it('refuses to archive a broken chain', async () => {
      await db.sql.query('UPDATE audit_event SET status = 500 WHERE seq = 85');
      await expect(retention.archiveExpired(new Date(now.getTime() + 20 * DAY))).rejects.toThrow(/chain is broken at seq 85/);
      expect(Number((await db.sql.query<{ n: unknown }>('SELECT count(*) AS n FROM audit_event WHERE seq BETWEEN 81 AND 90'))[0]!.n)).toBe(10);
    });
  });
});

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}
