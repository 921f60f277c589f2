import { randomBytes } from 'node:crypto';
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** The `.netrc` the go command reads: `NETRC`, else `~/.netrc`. */
export function netrcPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.NETRC || join(homedir(), '.netrc');
}

/** The file's text; empty when it does not exist yet. */
export async function readNetrcFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

/** Replaces the file at once (a new file renamed over it), readable by its owner only (0600). */
export async function writeNetrcFile(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.netrc-${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text, { mode: 0o600, flag: 'wx' });
    await chmod(temp, 0o600);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
