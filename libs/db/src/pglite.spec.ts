import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactRepository } from './artifact.repository.js';
import { openDatabase, type Database } from './open-database.js';
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
    const repo = new ArtifactRepository(db.prisma);
    const first = { modulePath: 'example.com/m', version: 'v1.0.0', kind: 'mod' as const, source: 'upstream' as const, size: 3, sha256: 'a'.repeat(64), h1: 'h1:x', originCommit: null };
    expect(await repo.recordOnce(first)).toEqual(first);
    expect(await repo.recordOnce({ ...first, size: 4, sha256: 'b'.repeat(64) })).toEqual(first);
    expect(await repo.find('example.com/m', 'v1.0.0', 'zip')).toBeNull();
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
