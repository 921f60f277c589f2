import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactRepository } from './artifact.repository.js';
import { openDatabase, type Database } from './open-database.js';
import { RefusalRepository } from './refusal.repository.js';
import { VersionIndexRepository } from './version-index.repository.js';

describe('database on embedded PGlite', () => {
  let dir: string;
  let db: Database;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modgate-pglite-'));
    db = await openDatabase({ kind: 'pglite', dir });
  });
  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies the committed migrations on first open', () => {
    expect(db.applied).toContain('0001_init');
  });

  it('records an artifact once and keeps the first row', async () => {
    const repo = new ArtifactRepository(db.prisma, db.sql);
    const first = { modulePath: 'example.com/m', version: 'v1.0.0', kind: 'mod' as const, source: 'upstream' as const, size: 3, sha256: 'a'.repeat(64), h1: 'h1:x', originCommit: null };
    expect(await repo.recordOnce(first)).toEqual(first);
    expect(await repo.recordOnce({ ...first, size: 4, sha256: 'b'.repeat(64) })).toEqual(first);
    expect(await repo.find('example.com/m', 'v1.0.0', 'zip')).toBeNull();
  });

  it('looks up an artifact and the refusal in force for it in one statement', async () => {
    const repo = new ArtifactRepository(db.prisma, db.sql);
    const refusals = new RefusalRepository(db.prisma);
    const record = { modulePath: 'example.com/l', version: 'v1.0.0', kind: 'zip' as const, source: 'private' as const, size: 5_000_000_000, sha256: 'c'.repeat(64), h1: 'h1:y', originCommit: 'f'.repeat(40) };
    await repo.recordOnce(record);
    expect(await repo.lookup('example.com/l', 'v1.0.0', 'zip')).toEqual({ record, refusal: null });
    expect(await repo.lookup('example.com/l', 'v1.0.0', 'mod')).toEqual({ record: null, refusal: null });
    await refusals.record({ modulePath: 'example.com/l', version: 'v2.0.0', kind: 'zip', status: 410, message: 'bad zip', expiresAt: null });
    await refusals.record({ modulePath: 'example.com/l', version: 'v3.0.0', kind: 'zip', status: 404, message: 'gone by now', expiresAt: new Date(Date.now() - 1000) });
    expect(await repo.lookup('example.com/l', 'v2.0.0', 'zip')).toEqual({ record: null, refusal: { status: 410, message: 'bad zip' } });
    expect(await repo.lookup('example.com/l', 'v3.0.0', 'zip')).toEqual({ record: null, refusal: null });
  });

  it('stores a version list and latest', async () => {
    const repo = new VersionIndexRepository(db.prisma);
    await repo.saveList('example.com/m', 'upstream', ['v1.0.0', 'v1.1.0']);
    await repo.saveLatest('example.com/m', 'upstream', { version: 'v1.1.0', time: '2020-01-01T00:00:00Z' });
    const index = await repo.get('example.com/m');
    expect(index?.versions).toEqual(['v1.0.0', 'v1.1.0']);
    expect(index?.latest).toEqual({ version: 'v1.1.0', time: '2020-01-01T00:00:00Z' });
  });

  it('reopens without re-applying migrations', async () => {
    await db.close();
    db = await openDatabase({ kind: 'pglite', dir });
    expect(db.applied).toEqual([]);
  });
});
