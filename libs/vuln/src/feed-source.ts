import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { httpGet } from '#upstream';
import { FeedError } from './osv-entry.js';

/** A Go vulnerability database laid out as vuln.go.dev serves it: `index/db.json`, `index/modules.json`, `ID/<id>.json`. */
export interface FeedSource {
  /** Where it comes from, for messages and the audit log (no credentials). */
  readonly description: string;
  /** The file's bytes, null when the source has no such file; FeedError beyond `maxBytes`. */
  read(path: string, maxBytes: number): Promise<Buffer | null>;
}

/** Files under a local directory (an unpacked export). */
export class DirectoryFeedSource implements FeedSource {
  constructor(private readonly dir: string) {}

  get description(): string {
    return `directory ${this.dir}`;
  }

  async read(path: string, maxBytes: number): Promise<Buffer | null> {
    const file = join(this.dir, ...path.split('/'));
    const info = await lstat(file).catch(() => undefined);
    if (!info?.isFile()) return null;
    if (info.size > maxBytes) throw new FeedError(`${path}: ${info.size} bytes, more than the ${maxBytes} allowed`);
    return readFile(file);
  }
}

/**
 * The files of a zip export, read from memory. Entries may sit under one top-level folder. A
 * name with `..`, a backslash or an absolute path refuses the whole zip.
 */
export class ZipFeedSource implements FeedSource {
  private constructor(
    private readonly files: Map<string, { size: number; read: () => Promise<Buffer> }>,
    readonly description: string,
  ) {}

  static async open(zip: Buffer, description: string, maxEntries: number): Promise<ZipFeedSource> {
    const zipfile = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.fromBuffer(zip, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true }, (err, z) => (err ? reject(new FeedError(`not a zip file: ${err.message}`)) : resolve(z))),
    );
    const entries: yauzl.Entry[] = [];
    await new Promise<void>((resolve, reject) => {
      zipfile.on('entry', (entry: yauzl.Entry) => {
        if (entries.length >= maxEntries) return reject(new FeedError(`more than ${maxEntries} files in the zip`));
        entries.push(entry);
        zipfile.readEntry();
      });
      zipfile.on('end', () => resolve());
      zipfile.on('error', (err: Error) => reject(new FeedError(`bad zip file: ${err.message}`)));
      zipfile.readEntry();
    });
    const names = entries.filter((e) => !e.fileName.endsWith('/')).map((e) => e.fileName);
    for (const name of names) {
      if (name.includes('\\') || name.startsWith('/') || name.split('/').some((part) => part === '..' || part === '.')) {
        throw new FeedError(`zip entry ${JSON.stringify(name)} is not a plain relative path`);
      }
    }
    const root = names.includes('index/db.json') ? '' : commonFolder(names);
    const files = new Map<string, { size: number; read: () => Promise<Buffer> }>();
    for (const entry of entries) {
      if (entry.fileName.endsWith('/') || !entry.fileName.startsWith(root)) continue;
      files.set(entry.fileName.slice(root.length), { size: entry.uncompressedSize, read: () => readEntry(zipfile, entry) });
    }
    return new ZipFeedSource(files, description);
  }

  async read(path: string, maxBytes: number): Promise<Buffer | null> {
    const file = this.files.get(path);
    if (!file) return null;
    if (file.size > maxBytes) throw new FeedError(`${path}: ${file.size} bytes, more than the ${maxBytes} allowed`);
    return file.read();
  }
}

/** The database at an http(s) URL, read through modgate's outbound client (timeouts, size limits). */
export class HttpFeedSource implements FeedSource {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  get description(): string {
    return this.baseUrl;
  }

  async read(path: string, maxBytes: number): Promise<Buffer | null> {
    const response = await httpGet(`${this.baseUrl.replace(/\/+$/, '')}/${path}`, this.timeoutMs);
    if (response.status === 404 || response.status === 410) {
      await response.discard();
      return null;
    }
    if (response.status !== 200) {
      await response.discard();
      throw new FeedError(`${path}: the feed answered ${response.status}`);
    }
    try {
      return await response.bytes(maxBytes);
    } catch (err) {
      throw new FeedError(`${path}: ${(err as Error).message}`);
    }
  }
}

function commonFolder(names: readonly string[]): string {
  const first = names[0]?.split('/')[0];
  if (first === undefined || !names.every((n) => n.startsWith(`${first}/`))) return '';
  return `${first}/`;
}

function readEntry(zipfile: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zipfile.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(new FeedError(`${entry.fileName}: ${err?.message ?? 'unreadable'}`));
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => resolve(Buffer.concat(chunks)));
      stream.on('error', (e: Error) => reject(new FeedError(`${entry.fileName}: ${e.message}`)));
    });
  });
}
