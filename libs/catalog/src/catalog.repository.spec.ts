import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditEventRepository, normalizeEvent, type AuditEventInput } from '#audit';
import { ArtifactRepository, openDatabase, type Database } from '#db';
import { CatalogRepository, searchCondition, type CatalogEntry } from './catalog.repository.js';

const SYSTEM = { kind: 'system' as const, name: 'test', groups: [] };

describe('CatalogRepository on PGlite (migration 0010_catalog: tables, trigger, pull counts, pages)', () => {
  let dir: string;
  let db: Database;
  let catalog: CatalogRepository;
  let artifacts: ArtifactRepository;
  let audit: AuditEventRepository;

  const record = (modulePath: string, version: string, kind: 'info' | 'mod' | 'zip', source: 'upstream' | 'private' = 'upstream', size = 10) =>
    artifacts.recordOnce({ modulePath, version, kind, source, size, sha256: 'a'.repeat(64), h1: kind === 'zip' ? `h1:${modulePath}@${version}` : null, originCommit: null });
  const pull = (events: AuditEventInput[]) => audit.append(events.map((e) => normalizeEvent(e, 0)));
  const event = (action: string, module: string, version: string | null, status = 200, time = new Date()): AuditEventInput => ({
    action,
    principal: SYSTEM,
    module,
    version,
    status,
    time,
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modgate-catalog-'));
    db = await openDatabase({ kind: 'pglite', dir });
    catalog = new CatalogRepository(db.sql);
    artifacts = new ArtifactRepository(db.prisma, db.sql);
    audit = new AuditEventRepository(db.sql);
    for (const [path, source] of [
      ['example.com/b', 'upstream'],
      ['example.com/a', 'upstream'],
      ['git.corp.example/acme/secret', 'private'],
      ['Example.com/Upper', 'upstream'],
    ] as const) {
      for (const version of ['v1.0.0', 'v1.1.0']) for (const kind of ['info', 'mod', 'zip'] as const) await record(path, version, kind, source);
    }
  });
  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps one catalog row per version from the artifact rows: size summed, the zip h1', async () => {
    const versions = await catalog.versionsOf('example.com/a');
    expect(versions.map((v) => [v.version, v.size, v.h1, v.source, v.pulls])).toEqual([
      ['v1.0.0', 30, 'h1:example.com/a@v1.0.0', 'upstream', 0],
      ['v1.1.0', 30, 'h1:example.com/a@v1.1.0', 'upstream', 0],
    ]);
  });

  it('pages the catalog in byte order of path then version, to the end', async () => {
    const seen: string[] = [];
    let after: CatalogEntry | null = null;
    for (let i = 0; i < 10; i++) {
      const page: CatalogEntry[] = await catalog.catalogPage(after, 3);
      seen.push(...page.map((e) => `${e.modulePath}@${e.version}`));
      if (page.length < 3) break;
      after = page.at(-1)!;
    }
    expect(seen).toEqual([
      'Example.com/Upper@v1.0.0', 'Example.com/Upper@v1.1.0',
      'example.com/a@v1.0.0', 'example.com/a@v1.1.0',
      'example.com/b@v1.0.0', 'example.com/b@v1.1.0',
      'git.corp.example/acme/secret@v1.0.0', 'git.corp.example/acme/secret@v1.1.0',
    ]);
  });

  it('pages the index by first fetch time with a keyset that never repeats or skips', async () => {
    const all = await catalog.indexPage(new Date(0), null, 100);
    expect(all).toHaveLength(8);
    const times = all.map((e) => e.firstFetchedAt.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const paged: string[] = [];
    let after: CatalogEntry | null = null;
    for (;;) {
      const page: CatalogEntry[] = await catalog.indexPage(new Date(0), after, 3);
      paged.push(...page.map((e) => `${e.modulePath}@${e.version}`));
      if (page.length < 3) break;
      after = page.at(-1)!;
    }
    expect(paged).toEqual(all.map((e) => `${e.modulePath}@${e.version}`));
    expect(await catalog.indexPage(new Date(Date.now() + 60_000), null, 100)).toEqual([]);
  });

  it('counts successful zip pulls per version and per day, and the last request, from the audit log in seq order, each event once', async () => {
    await pull([
      event('goproxy.zip', 'example.com/b', 'v1.0.0'),
      event('goproxy.zip', 'example.com/b', 'v1.0.0'),
      event('goproxy.zip', 'example.com/b', 'v1.0.0', 403),
      event('goproxy.mod', 'example.com/b', 'v1.1.0'),
      event('goproxy.list', 'example.com/b', null),
    ]);
    await pull([event('goproxy.zip', 'example.com/b', 'v1.0.0', 200, new Date(Date.now() - 2 * 86_400_000))]);
    expect((await catalog.versionsOf('example.com/b'))[0]!.pulls).toBe(0);
    expect(await catalog.countPulls(4)).toBe(4);
    expect(await catalog.countPulls(100)).toBe(2);
    expect(await catalog.countPulls(100)).toBe(0);
    const [v100, v110] = await catalog.versionsOf('example.com/b');
    expect([v100!.pulls, v110!.pulls]).toEqual([3, 0]);
    expect(v110!.lastPulledAt).not.toBeNull();
    const days = await catalog.pullsByDay('example.com/b', new Date(Date.now() - 7 * 86_400_000));
    expect(days.map((d) => [d.pulls, d.requests])).toEqual([
      [1, 1],
      [2, 4],
    ]);
  });

  it.each([
    ['a path prefix, case-insensitively', 'EXAMPLE.COM/', ['Example.com/Upper', 'example.com/a', 'example.com/b']],
    ['words that must all occur', 'acme secret', ['git.corp.example/acme/secret']],
    ['a word', 'upper', ['Example.com/Upper']],
    ['LIKE wildcards taken literally', 'example.com/%', []],
    ['nothing: everything', '', ['Example.com/Upper', 'example.com/a', 'example.com/b', 'git.corp.example/acme/secret']],
  ])('searches modules by %s', async (_, q, expected) => {
    expect((await catalog.searchModules(q, '', 50)).map((m) => m.modulePath)).toEqual(expected);
  });

  it('builds search conditions with numbered parameters', () => {
    expect(searchCondition('a b', 3)).toEqual({ sql: 'strpos(lower(module_path), $3) > 0 AND strpos(lower(module_path), $4) > 0', params: ['a', 'b'] });
  });

  it('sums storage by source and by path prefix', async () => {
    const usage = await catalog.storageUsage(2, 10);
    expect(usage.bySource).toEqual([
      { source: 'private', versions: 2, bytes: 60 },
      { source: 'upstream', versions: 6, bytes: 180 },
    ]);
    expect(usage.byPrefix).toContainEqual({ prefix: 'git.corp.example/acme', source: 'private', versions: 2, bytes: 60 });
    expect(usage.byPrefix).toContainEqual({ prefix: 'example.com/a', source: 'upstream', versions: 2, bytes: 60 });
  });

  it('tells which artifacts have rows', async () => {
    const found = await catalog.recordedArtifacts([
      { modulePath: 'example.com/a', version: 'v1.0.0', kind: 'zip' },
      { modulePath: 'example.com/a', version: 'v9.0.0', kind: 'zip' },
    ]);
    expect([...found]).toEqual(['example.com/a\nv1.0.0\nzip']);
  });

  it('evicts only unused public versions; a fetch again clears the mark and keeps the h1', async () => {
    const future = new Date(Date.now() + 60_000);
    const candidates = (await catalog.unusedPublicVersions(future, 100)).map((c) => `${c.modulePath}@${c.version}`);
    expect(candidates).not.toContain('git.corp.example/acme/secret@v1.0.0');
    expect(candidates).toContain('example.com/a@v1.0.0');
    expect(await catalog.evict('git.corp.example/acme/secret', 'v1.0.0', future)).toEqual([]);
    expect(await catalog.evict('example.com/a', 'v1.0.0', new Date(0))).toEqual([]);
    expect((await catalog.evict('example.com/a', 'v1.0.0', future)).sort()).toEqual(['info', 'mod', 'zip']);
    expect((await catalog.catalogPage(null, 100)).map((e) => `${e.modulePath}@${e.version}`)).not.toContain('example.com/a@v1.0.0');
    const [evicted] = await catalog.versionsOf('example.com/a');
    expect([evicted!.size, evicted!.evictedAt !== null, evicted!.h1]).toEqual([0, true, 'h1:example.com/a@v1.0.0']);
    await record('example.com/a', 'v1.0.0', 'zip');
    const [back] = await catalog.versionsOf('example.com/a');
    expect([back!.size, back!.evictedAt, back!.h1]).toEqual([10, null, 'h1:example.com/a@v1.0.0']);
  });
});
