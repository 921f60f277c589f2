import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, lstat, mkdir, open, opendir, realpath, rename, rm, unlink, type FileHandle } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { assertExpected } from './blob-digest.js';
import { BlobNotFoundError, BlobStoreWriteError, InvalidBlobKeyError, type BlobInfo, type BlobListing, type BlobStore } from './blob-store.js';
import { assertValidKey } from './key.js';
import { spoolToFile } from './spool-file.js';

const TMP_DIR = '.tmp';
const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS']);
const FULL = new Set(['ENOSPC', 'EDQUOT']);

/**
 * Blobs as files under `rootDir` (created on first use), at the path of their key. Writes go to a
 * temporary file under `<rootDir>/.tmp` that is fsynced and renamed into place, so a key shows
 * either its previous blob or the complete new one. Keys under `.tmp/` are refused, and no path
 * may resolve (through symlinks) outside the root.
 */
export class FsBlobStore implements BlobStore {
  readonly description: string;
  private realRoot?: string;

  constructor(private readonly rootDir: string) {
    this.description = `filesystem ${rootDir}`;
  }

  async put(key: string, body: Readable | Buffer, expected?: Partial<BlobInfo>): Promise<BlobInfo> {
    try {
      return await this.write(key, body, expected);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (NOT_WRITABLE.has(code)) throw new BlobStoreWriteError(key, 'not writable', error);
      if (FULL.has(code)) throw new BlobStoreWriteError(key, 'full', error);
      throw error;
    }
  }

  private async write(key: string, body: Readable | Buffer, expected?: Partial<BlobInfo>): Promise<BlobInfo> {
    const segments = this.segmentsOf(key);
    const root = await this.root();
    const tmpPath = join(await this.directory(root, [TMP_DIR]), `.tmp-${randomBytes(12).toString('hex')}`);
    const info = await spoolToFile(body, tmpPath, { fsync: true });
    try {
      assertExpected(key, info, expected);
      const parent = await this.directory(root, segments.slice(0, -1));
      await rename(tmpPath, join(parent, segments[segments.length - 1]));
      await fsyncDirectory(parent);
      return info;
    } catch (error) {
      await rm(tmpPath, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<{ stream: Readable; size: number }> {
    const file = await this.openBlob(key);
    // 64 KiB reads (the default): 1 MiB ones doubled the CPU of a zip served over TLS (bench/throughput.sh).
    return { stream: file.handle.createReadStream(), size: file.size };
  }

  async stat(key: string): Promise<{ size: number }> {
    const file = await this.openBlob(key);
    await file.handle.close();
    return { size: file.size };
  }

  async delete(key: string): Promise<void> {
    const segments = this.segmentsOf(key);
    const root = await this.root();
    const parent = await this.resolveInside(root, join(root, ...segments.slice(0, -1)));
    if (parent === undefined) return;
    try {
      await unlink(join(parent, segments[segments.length - 1]));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  /** Walks the directories below the prefix's directory part; `.tmp` (writes in progress) and symlinks are skipped. */
  async *list(prefix = ''): AsyncIterable<BlobListing> {
    const root = await this.root();
    const dirPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    if (dirPart !== '') assertValidKey(dirPart);
    if (dirPart.split('/')[0] === TMP_DIR) return;
    const start = dirPart === '' ? root : await this.resolveInside(root, join(root, ...dirPart.split('/')));
    if (start === undefined) return;
    yield* this.walk(start, dirPart, prefix);
  }

  private async *walk(dir: string, keyPrefix: string, wanted: string): AsyncIterable<BlobListing> {
    let entries;
    try {
      entries = await opendir(dir);
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    for await (const entry of entries) {
      const key = keyPrefix === '' ? entry.name : `${keyPrefix}/${entry.name}`;
      if (keyPrefix === '' && entry.name === TMP_DIR) continue;
      if (entry.isDirectory()) {
        if (wanted.startsWith(`${key}/`) || `${key}/`.startsWith(wanted)) yield* this.walk(join(dir, entry.name), key, wanted);
      } else if (entry.isFile() && key.startsWith(wanted)) {
        const stats = await lstat(join(dir, entry.name)).catch((error: unknown) => {
          if (isMissing(error)) return undefined;
          throw error;
        });
        if (stats) yield { key, size: stats.size, modifiedAt: stats.mtime };
      }
    }
  }

  async ping(): Promise<void> {
    await access(await this.root(), constants.R_OK | constants.W_OK);
  }

  private segmentsOf(key: string): string[] {
    assertValidKey(key);
    const segments = key.split('/');
    if (segments[0] === TMP_DIR) throw new InvalidBlobKeyError(key);
    return segments;
  }

  private async root(): Promise<string> {
    if (this.realRoot === undefined) {
      await mkdir(this.rootDir, { recursive: true });
      this.realRoot = await realpath(this.rootDir);
    }
    return this.realRoot;
  }

  private async openBlob(key: string): Promise<{ handle: FileHandle; size: number }> {
    const root = await this.root();
    const path = await this.resolveInside(root, join(root, ...this.segmentsOf(key)));
    if (path === undefined) throw new BlobNotFoundError(key);
    const handle = await open(path, 'r').catch((error: unknown) => {
      throw isMissing(error) ? new BlobNotFoundError(key) : error;
    });
    const stats = await handle.stat();
    if (!stats.isFile()) {
      await handle.close();
      throw new BlobNotFoundError(key);
    }
    return { handle, size: stats.size };
  }

  /** The real path of `path`, or undefined when it does not exist; throws when it leaves `root`. */
  private async resolveInside(root: string, path: string): Promise<string | undefined> {
    let real: string;
    try {
      real = await realpath(path);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    if (real !== root && !real.startsWith(root.endsWith(sep) ? root : root + sep)) {
      throw new Error(`blob store path ${path} resolves to ${real}, outside ${root}`);
    }
    return real;
  }

  /**
   * The real path of directory `segments` below `root`, created one level at a time so that a
   * symlink pointing out of the root is refused before anything is created through it.
   */
  private async directory(root: string, segments: string[]): Promise<string> {
    const existing = await this.resolveInside(root, join(root, ...segments));
    if (existing !== undefined) return existing;
    let dir = root;
    for (const segment of segments) {
      const next = join(dir, segment);
      let real = await this.resolveInside(root, next);
      if (real === undefined) {
        await mkdir(next).catch((error: unknown) => {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        });
        await fsyncDirectory(dir);
        real = await this.resolveInside(root, next);
        if (real === undefined) throw new Error(`blob store directory ${next} vanished or dangles`);
      }
      dir = real;
    }
    return dir;
  }
}

async function fsyncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
