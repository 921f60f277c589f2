import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeLeftovers } from './leftover-files.js';

const HOUR_MS = 3_600_000;

describe('removeLeftovers (real filesystem)', () => {
  let dir: string;
  const now = Date.now();
  const age = async (path: string, ms: number) => utimes(path, new Date(now - ms), new Date(now - ms));

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-leftovers-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('removes old matching entries, directories included, and keeps fresh or unmatched ones', async () => {
    await writeFile(join(dir, 'old.zip'), 'x');
    await age(join(dir, 'old.zip'), 2 * HOUR_MS);
    await writeFile(join(dir, 'fresh.zip'), 'x');
    await writeFile(join(dir, 'old.txt'), 'x');
    await age(join(dir, 'old.txt'), 2 * HOUR_MS);
    await mkdir(join(dir, 'a.git.partial', 'objects'), { recursive: true });
    await writeFile(join(dir, 'a.git.partial', 'objects', 'pack'), 'x');
    for (const path of ['a.git.partial/objects/pack', 'a.git.partial/objects', 'a.git.partial']) await age(join(dir, path), 2 * HOUR_MS);
    const removed = await removeLeftovers(dir, (name) => name.endsWith('.zip') || name.endsWith('.partial'), HOUR_MS, now);
    expect(removed).toEqual(['a.git.partial', 'old.zip']);
    expect((await readdir(dir)).sort()).toEqual(['fresh.zip', 'old.txt']);
  });

  it('keeps a directory something still writes into, however old the directory itself is', async () => {
    await mkdir(join(dir, 'b.git.partial', 'objects'), { recursive: true });
    await writeFile(join(dir, 'b.git.partial', 'objects', 'tmp_pack_1'), 'growing');
    await age(join(dir, 'b.git.partial', 'objects'), 2 * HOUR_MS);
    await age(join(dir, 'b.git.partial'), 2 * HOUR_MS);
    expect(await removeLeftovers(dir, (name) => name.endsWith('.partial'), HOUR_MS, now)).toEqual([]);
  });

  it('finds nothing in a directory that does not exist', async () => {
    expect(await removeLeftovers(join(dir, 'missing'), () => true, HOUR_MS, now)).toEqual([]);
  });
});
