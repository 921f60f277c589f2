import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import yauzl from 'yauzl';
import { crc32 } from './crc32.js';
import { GoModError } from './errors.js';
import { writeZip, ZipWriter, type ZipEntrySource } from './zip-writer.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gomod-zip-writer-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const hasUnzip = spawnSync('unzip', ['-v']).status === 0;

interface ReadBack {
  name: string;
  data: Buffer;
  method: number;
  flags: number;
  crc: number;
  mode: number;
}

async function readZip(file: string): Promise<ReadBack[]> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false });
  const out: ReadBack[] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
      out.push({
        name: entry.fileName,
        data: Buffer.concat(chunks),
        method: entry.compressionMethod,
        flags: entry.generalPurposeBitFlag,
        crc: entry.crc32,
        mode: entry.externalFileAttributes >>> 16,
      });
    }
  } finally {
    zip.close();
  }
  return out;
}

async function writeToFile(name: string, entries: Iterable<ZipEntrySource>, options = {}): Promise<string> {
  const file = join(dir, name);
  await writeZip(createWriteStream(file), entries, options);
  return file;
}

const big = randomBytes(3 << 20);

describe('ZipWriter output', () => {
  const entries: Array<[string, ZipEntrySource, number, boolean]> = [
    ['buffer, deflate', { name: 'm@v1.0.0/a.go', data: Buffer.from('package a\n') }, 8, false],
    ['buffer, store', { name: 'm@v1.0.0/b.txt', data: Buffer.from('stored'), method: 'store' }, 0, false],
    ['empty buffer', { name: 'm@v1.0.0/empty', data: Buffer.alloc(0) }, 8, false],
    ['stream, deflate', { name: 'm@v1.0.0/big.bin', data: () => Readable.from([big.subarray(0, 1000), big.subarray(1000)]) }, 8, true],
    ['stream, store', { name: 'm@v1.0.0/big-stored.bin', data: () => Readable.from([big]), method: 'store' }, 0, true],
    ['empty stream', { name: 'm@v1.0.0/empty-stream', data: () => Readable.from([]) }, 8, true],
    ['string chunks', { name: 'm@v1.0.0/text', data: () => Readable.from(['héllo ', 'wörld']) }, 8, true],
    ['UTF-8 name', { name: 'm@v1.0.0/ünï/日本.go', data: Buffer.from('x') }, 8, false],
    ['executable mode', { name: 'm@v1.0.0/run.sh', data: Buffer.from('#!/bin/sh\n'), mode: 0o755 }, 8, false],
  ];
  let file: string;
  let back: ReadBack[];
  beforeAll(async () => {
    file = await writeToFile('mixed.zip', entries.map(([, e]) => e));
    back = await readZip(file);
  });

  it('keeps entries in order', () => {
    expect(back.map((b) => b.name)).toEqual(entries.map(([, e]) => e.name));
  });

  it.each(entries.map((e, i) => [e[0], i] as const))('%s', async (_name, i) => {
    const [, source, method, streamed] = entries[i]!;
    const expected = Buffer.isBuffer(source.data)
      ? source.data
      : Buffer.concat(await source.data().toArray().then((chunks: Array<Buffer | string>) => chunks.map((c) => Buffer.from(c))));
    const entry = back[i]!;
    expect(entry.data.equals(expected)).toBe(true);
    expect(entry.crc).toBe(crc32(expected));
    expect(entry.method).toBe(method);
    expect(entry.flags & 0x0800).toBe(0x0800);
    expect(entry.flags & 0x0008).toBe(streamed ? 0x0008 : 0);
    expect(entry.mode).toBe(0o100000 | (source.mode ?? 0o644));
  });

  (hasUnzip ? it : it.skip)('passes unzip -t', () => {
    const result = spawnSync('unzip', ['-t', file]);
    expect(result.stdout.toString()).toContain('No errors detected');
    expect(result.status).toBe(0);
  });
});

describe('ZipWriter', () => {
  it.each([
    ['a directory entry', { name: 'm@v1.0.0/dir/', data: Buffer.alloc(0) }, 'zip writer: invalid entry name "m@v1.0.0/dir/": directory entries are not written'],
    ['an empty name', { name: '', data: Buffer.alloc(0) }, 'zip writer: invalid entry name "": directory entries are not written'],
  ])('rejects %s', async (_name, entry, message) => {
    const zip = new ZipWriter(new PassThrough());
    await expect(zip.add(entry)).rejects.toThrow(new GoModError(message));
  });

  it('rejects a duplicate name', async () => {
    const zip = new ZipWriter(new PassThrough().resume());
    await zip.add({ name: 'a', data: Buffer.from('1') });
    await expect(zip.add({ name: 'a', data: Buffer.from('2') })).rejects.toThrow(new GoModError('zip writer: duplicate entry "a"'));
  });

  it('rejects add after finish', async () => {
    const zip = new ZipWriter(new PassThrough().resume());
    await zip.finish();
    await expect(zip.add({ name: 'a', data: Buffer.from('1') })).rejects.toThrow(new GoModError('zip writer: add after finish'));
  });

  it('writes a valid empty archive', async () => {
    const file = await writeToFile('empty.zip', []);
    expect(await readZip(file)).toEqual([]);
  });

  it('reports the bytes written', async () => {
    const chunks: Buffer[] = [];
    const out = new PassThrough();
    out.on('data', (c: Buffer) => chunks.push(c));
    const result = await writeZip(out, [{ name: 'a', data: Buffer.from('x') }]);
    expect(result).toEqual({ entries: 1, bytes: Buffer.concat(chunks).length });
  });

  it('respects back-pressure of a slow destination', async () => {
    const received: Buffer[] = [];
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, callback) {
        received.push(chunk);
        setImmediate(callback);
      },
    });
    await writeZip(slow, [{ name: 'x.bin', data: () => Readable.from([big]) }], { method: 'store' });
    const file = join(dir, 'slow.zip');
    await writeFile(file, Buffer.concat(received));
    const [entry] = await readZip(file);
    expect(entry!.data.equals(big)).toBe(true);
  });

  it('fails when the destination fails', async () => {
    const broken = new Writable({
      write(_chunk, _enc, callback) {
        callback(new Error('disk full'));
      },
    });
    const zip = new ZipWriter(broken);
    await expect(
      (async () => {
        await zip.add({ name: 'a', data: () => Readable.from([big]) });
        await zip.add({ name: 'b', data: Buffer.from('x') });
        await zip.finish();
      })(),
    ).rejects.toThrow('disk full');
  });

  it('fails when a source stream fails', async () => {
    const zip = new ZipWriter(new PassThrough().resume());
    const failing = (): Readable =>
      new Readable({
        read() {
          this.destroy(new Error('git died'));
        },
      });
    await expect(zip.add({ name: 'a', data: failing })).rejects.toThrow('git died');
  });

  it('writes a fixed timestamp by default and the given one otherwise', async () => {
    const fixed = await writeToFile('stamp-default.zip', [{ name: 'a', data: Buffer.from('x') }]);
    const given = await writeToFile('stamp-given.zip', [{ name: 'a', data: Buffer.from('x') }], { modified: new Date('2024-05-06T07:08:10Z') });
    const dates = await Promise.all(
      [fixed, given].map(async (file) => {
        const zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false });
        const [entry] = await zip.eachEntry().next().then((r) => [r.value as yauzl.Entry]);
        zip.close();
        return entry!.getLastModDate({ timezone: 'UTC' }).toISOString();
      }),
    );
    expect(dates).toEqual(['1980-01-01T00:00:00.000Z', '2024-05-06T07:08:10.000Z']);
  });

  it('switches to ZIP64 end records above 65534 entries', async () => {
    const count = 65536;
    const file = await writeToFile(
      'many.zip',
      (function* () {
        for (let i = 0; i < count; i++) yield { name: `f${i}`, data: Buffer.alloc(0), method: 'store' as const };
      })(),
    );
    const zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false });
    expect(zip.entryCount).toBe(count);
    zip.close();
    if (hasUnzip) expect(spawnSync('unzip', ['-t', '-q', file]).status).toBe(0);
  }, 60000);
});
