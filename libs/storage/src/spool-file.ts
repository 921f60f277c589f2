import { createHash } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { BlobInfo } from './blob-store.js';
import { toBuffer } from './blob-digest.js';

/**
 * Writes `body` to a new file at `path` (which must not exist), hashing and counting the bytes on
 * the way; `fsync` makes the data durable before resolving. On failure the file is removed.
 */
export async function spoolToFile(
  body: Readable | Buffer,
  path: string,
  options: { fsync: boolean },
): Promise<BlobInfo> {
  const file = await open(path, 'wx', 0o600);
  try {
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of Buffer.isBuffer(body) ? [body] : body) {
      const bytes = toBuffer(chunk);
      hash.update(bytes);
      size += bytes.length;
      await writeAll(file, bytes);
    }
    if (options.fsync) await file.sync();
    await file.close();
    return { size, sha256: hash.digest('hex') };
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(path, { force: true });
    throw error;
  }
}

async function writeAll(file: FileHandle, bytes: Buffer): Promise<void> {
  for (let offset = 0; offset < bytes.length; ) {
    const { bytesWritten } = await file.write(bytes, offset);
    offset += bytesWritten;
  }
}
