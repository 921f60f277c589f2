import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { execFileSync } from 'node:child_process';
import { BlobIntegrityError, BlobNotFoundError, BlobStoreWriteError, InvalidBlobKeyError } from './blob-store.js';
import { FsBlobStore } from './fs-blob-store.js';
import { describeBlobStoreConformance } from './testing.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'modgate-fs-store-'));
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => !entry.isDirectory()).map((entry) => join(entry.parentPath, entry.name));
}

async function* failingSource(): AsyncGenerator<Buffer> {
  yield Buffer.from('partial');
  throw new Error('connection reset');
}

describeBlobStoreConformance('FsBlobStore', async () => {
  const dir = await tempDir();
  return { store: new FsBlobStore(join(dir, 'blobs')), cleanup: () => rm(dir, { recursive: true, force: true }) };
});

describe('FsBlobStore', () => {
  let dir: string;
  let root: string;
  let store: FsBlobStore;

  beforeEach(async () => {
    dir = await tempDir();
    root = join(dir, 'blobs');
    store = new FsBlobStore(root);
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stores a blob as the file at its key and leaves no temporary files', async () => {
    await store.put('example.com/x/@v/v1.0.0.zip', Readable.from([Buffer.from('zip')]));
    await expect(store.put('k/bad', Buffer.from('x'), { size: 2 })).rejects.toBeInstanceOf(BlobIntegrityError);
    await expect(store.put('k/failed', Readable.from(failingSource()))).rejects.toThrow('connection reset');
    expect(await filesUnder(root)).toEqual([join(root, 'example.com/x/@v/v1.0.0.zip')]);
  });

  it('keeps the previous blob when an overwrite fails', async () => {
    await store.put('k/v', Buffer.from('old'));
    await expect(store.put('k/v', Buffer.from('new'), { size: 1 })).rejects.toBeInstanceOf(BlobIntegrityError);
    await expect(store.stat('k/v')).resolves.toEqual({ size: 3 });
  });

  it('does not list a write in progress (its temporary file) or a symlink', async () => {
    await store.put('k/v', Buffer.from('v'));
    await writeFile(join(root, '.tmp', '.tmp-in-progress'), 'partial');
    await symlink(join(root, 'k', 'v'), join(root, 'k', 'link'));
    const keys: string[] = [];
    for await (const blob of store.list()) keys.push(blob.key);
    expect(keys).toEqual(['k/v']);
  });

  it('refuses keys inside its temporary directory', async () => {
    await expect(store.put('.tmp/x', Buffer.from('x'))).rejects.toBeInstanceOf(InvalidBlobKeyError);
    await expect(store.get('.tmp/x')).rejects.toBeInstanceOf(InvalidBlobKeyError);
  });

  it('creates its root on first use', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
    expect(await readdir(root)).toEqual([]);
  });

  describe('with a directory symlinked out of the root', () => {
    let outside: string;

    beforeEach(async () => {
      outside = join(dir, 'outside');
      await mkdir(join(outside, '@v'), { recursive: true });
      await writeFile(join(outside, '@v', 'secret'), 'secret');
      await mkdir(root);
      await symlink(outside, join(root, 'escape'));
    });

    it('does not write through it', async () => {
      await expect(store.put('escape/@v/new', Buffer.from('x'))).rejects.toThrow(/outside/);
      await expect(store.put('escape/sub/new', Buffer.from('x'))).rejects.toThrow(/outside/);
      expect(await filesUnder(outside)).toEqual([join(outside, '@v', 'secret')]);
      expect(await filesUnder(join(root, '.tmp'))).toEqual([]);
    });

    it('does not read, stat or delete through it', async () => {
      await expect(store.get('escape/@v/secret')).rejects.toThrow(/outside/);
      await expect(store.stat('escape/@v/secret')).rejects.toThrow(/outside/);
      await expect(store.delete('escape/@v/secret')).rejects.toThrow(/outside/);
      expect(await filesUnder(outside)).toEqual([join(outside, '@v', 'secret')]);
    });

    it('does not follow a symlinked blob out of the root', async () => {
      await symlink(join(outside, '@v', 'secret'), join(root, 'link'));
      await expect(store.get('link')).rejects.toThrow(/outside/);
    });

    it('follows symlinks that stay inside the root', async () => {
      await store.put('real/@v/list', Buffer.from('v1.0.0\n'));
      await symlink(join(root, 'real'), join(root, 'alias'));
      await expect(store.stat('alias/@v/list')).resolves.toEqual({ size: 7 });
      await expect(store.get('alias/@v/missing')).rejects.toBeInstanceOf(BlobNotFoundError);
    });
  });

  it('reports a store it may not write to as "not writable", even to root (an immutable directory)', async () => {
    await store.put('a/@v/v1.0.0.mod', Buffer.from('module a\n'));
    // chattr +i refuses writes to everyone, root included (the tests run as root).
    execFileSync('chattr', ['+i', join(root, '.tmp')]);
    try {
      const refused = await store.put('a/@v/v1.0.1.mod', Buffer.from('module a\n')).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(BlobStoreWriteError);
      expect((refused as BlobStoreWriteError).condition).toBe('not writable');
      expect((refused as BlobStoreWriteError).message).toMatch(/^blob store is not writable: cannot store a\/@v\/v1.0.1.mod: EPERM/);
    } finally {
      execFileSync('chattr', ['-i', join(root, '.tmp')]);
    }
  });
});
