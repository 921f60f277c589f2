import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Removes the entries of `dir` that `isLeftover` names and that nothing has touched for
 * `maxAgeMs` (the newest modification time anywhere inside counts, so a clone still writing into
 * its directory is left alone). Returns the names removed; a missing `dir` has none.
 */
export async function removeLeftovers(dir: string, isLeftover: (name: string) => boolean, maxAgeMs: number, now = Date.now()): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const removed: string[] = [];
  for (const name of names.filter(isLeftover).sort()) {
    const path = join(dir, name);
    if (now - (await newestChange(path)) < maxAgeMs) continue;
    await rm(path, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

async function newestChange(path: string): Promise<number> {
  const info = await lstat(path).catch(() => null);
  if (!info) return 0;
  let newest = info.mtimeMs;
  if (info.isDirectory()) {
    for (const name of await readdir(path).catch(() => [])) newest = Math.max(newest, await newestChange(join(path, name)));
  }
  return newest;
}
