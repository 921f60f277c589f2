import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh, empty directory under the OS temp dir, named `modgate-<prefix>-XXXXXX`. Others may
 * pass through it (mode 0711, not list it): as root, a server's embedded Postgres runs as an
 * unprivileged user that must reach the data dir inside.
 */
export async function makeTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `modgate-${prefix}-`));
  await chmod(dir, 0o711);
  return dir;
}

/**
 * Removes a directory tree; missing is fine. Copes with the read-only directories the go command
 * leaves in a module cache (a plain rm fails there unless running as root).
 */
export async function removeDir(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EACCES' && (error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
    await makeWritable(dir);
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await makeWritable(join(dir, entry.name));
  }
}
