import { once } from 'node:events';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { crc32 } from './crc32.js';
import { GoModError } from './errors.js';

const deflateRaw = promisify(zlib.deflateRaw);

/** One file for {@link ZipWriter}. A function source is called once, when the entry is written. */
export interface ZipEntrySource {
  /** Full entry name, e.g. `example.com/m@v1.0.0/go.mod`; never a directory (`…/`). */
  name: string;
  data: Buffer | (() => Readable);
  /** Unix permission bits (default 0o644); recorded, ignored by the go command. */
  mode?: number;
  /** Overrides {@link ZipWriterOptions.method} for this entry. */
  method?: 'store' | 'deflate';
  /** Overrides {@link ZipWriterOptions.level} for this entry. */
  level?: number;
}

export interface ZipWriterOptions {
  /** Default `deflate`. */
  method?: 'store' | 'deflate';
  /** zlib level for deflate (default 6). */
  level?: number;
  /** Timestamp written for every entry (default 1980-01-01 00:00:00, the DOS epoch). */
  modified?: Date;
}

const U32 = 0xffffffff;
const U16 = 0xffff;
const FLAG_DATA_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
const METHOD = { store: 0, deflate: 8 } as const;

interface CentralRecord {
  name: Buffer;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
  mode: number;
}

function dosDateTime(d: Date | undefined): { date: number; time: number } {
  if (!d) return { date: (1 << 5) | 1, time: 0 };
  const year = Math.min(Math.max(d.getUTCFullYear(), 1980), 2107);
  return {
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
  };
}

/**
 * Streams a zip archive to a Writable: Store or Deflate entries with CRC-32 and sizes, UTF-8
 * names, Unix modes, no directory entries (they would change the module hash, golang/go#53448),
 * and ZIP64 end records when there are more than 65535 entries or the archive passes 4 GiB.
 * Entries whose size is known up front (Buffers) get sizes in the local header; streamed entries
 * use a data descriptor. Memory holds one central-directory record per entry plus one chunk.
 */
/** Bodies up to this size are deflated synchronously. */
const SMALL_INLINE = 64 << 10;

export class ZipWriter {
  private offset = 0;
  private readonly records: CentralRecord[] = [];
  private readonly names = new Set<string>();
  private readonly stamp: { date: number; time: number };
  private failure: Error | undefined;
  private finished = false;

  constructor(
    private readonly out: Writable,
    private readonly options: ZipWriterOptions = {},
  ) {
    this.stamp = dosDateTime(options.modified);
    out.on('error', (err: Error) => {
      this.failure ??= err;
    });
  }

  /** Bytes written so far. */
  get bytesWritten(): number {
    return this.offset;
  }

  private async write(chunk: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    this.offset += chunk.length;
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  /**
   * Appends one file. Entries are written in the order they are added; await each call. If a
   * streamed source fails, the archive written so far is unusable: destroy `out`.
   */
  async add(entry: ZipEntrySource): Promise<void> {
    if (this.finished) throw new GoModError('zip writer: add after finish');
    const name = Buffer.from(entry.name, 'utf8');
    if (entry.name === '' || entry.name.endsWith('/')) {
      throw new GoModError(`zip writer: invalid entry name ${JSON.stringify(entry.name)}: directory entries are not written`);
    }
    if (name.length > U16) throw new GoModError(`zip writer: entry name too long: ${entry.name.slice(0, 80)}…`);
    if (this.names.has(entry.name)) throw new GoModError(`zip writer: duplicate entry ${JSON.stringify(entry.name)}`);
    this.names.add(entry.name);

    const method = METHOD[entry.method ?? this.options.method ?? 'deflate'];
    const mode = entry.mode ?? 0o644;
    const offset = this.offset;
    if (Buffer.isBuffer(entry.data)) {
      const crc = crc32(entry.data);
      const level = entry.level ?? this.options.level ?? 6;
      // Small bodies deflate faster inline than through the zlib thread pool.
      const body =
        method !== METHOD.deflate ? entry.data : entry.data.length <= SMALL_INLINE ? zlib.deflateRawSync(entry.data, { level }) : await deflateRaw(entry.data, { level });
      if (body.length >= U32 || entry.data.length >= U32) throw new GoModError(`zip writer: entry too large: ${entry.name}`);
      const record = { name, flags: FLAG_UTF8, method, crc, compressedSize: body.length, size: entry.data.length, offset, mode };
      await this.write(this.localHeader(record));
      await this.write(body);
      this.records.push(record);
      return;
    }

    const record = { name, flags: FLAG_UTF8 | FLAG_DATA_DESCRIPTOR, method, crc: 0, compressedSize: 0, size: 0, offset, mode };
    await this.write(this.localHeader(record));
    const tap = new Transform({
      transform(chunk: Buffer | string, _encoding, callback) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        record.crc = crc32(buf, record.crc);
        record.size += buf.length;
        callback(null, buf);
      },
    });
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        record.compressedSize += chunk.length;
        this.write(chunk).then(() => callback(), callback);
      },
    });
    if (method === METHOD.deflate) {
      await pipeline(entry.data(), tap, zlib.createDeflateRaw({ level: entry.level ?? this.options.level ?? 6 }), sink);
    } else {
      await pipeline(entry.data(), tap, sink);
    }
    if (record.size >= U32 || record.compressedSize >= U32) throw new GoModError(`zip writer: entry too large: ${entry.name}`);
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(record.crc >>> 0, 4);
    descriptor.writeUInt32LE(record.compressedSize, 8);
    descriptor.writeUInt32LE(record.size, 12);
    await this.write(descriptor);
    this.records.push(record);
  }

  private localHeader(r: CentralRecord): Buffer {
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(r.flags, 6);
    h.writeUInt16LE(r.method, 8);
    h.writeUInt16LE(this.stamp.time, 10);
    h.writeUInt16LE(this.stamp.date, 12);
    h.writeUInt32LE(r.crc >>> 0, 14);
    h.writeUInt32LE(r.compressedSize, 18);
    h.writeUInt32LE(r.size, 22);
    h.writeUInt16LE(r.name.length, 26);
    h.writeUInt16LE(0, 28);
    return Buffer.concat([h, r.name]);
  }

  private centralHeader(r: CentralRecord): Buffer {
    const zip64 = r.offset >= U32;
    const extra = Buffer.alloc(zip64 ? 12 : 0);
    if (zip64) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(8, 2);
      extra.writeBigUInt64LE(BigInt(r.offset), 4);
    }
    const version = zip64 ? 45 : 20;
    const h = Buffer.alloc(46);
    h.writeUInt32LE(0x02014b50, 0);
    h.writeUInt16LE((3 << 8) | version, 4);
    h.writeUInt16LE(version, 6);
    h.writeUInt16LE(r.flags, 8);
    h.writeUInt16LE(r.method, 10);
    h.writeUInt16LE(this.stamp.time, 12);
    h.writeUInt16LE(this.stamp.date, 14);
    h.writeUInt32LE(r.crc >>> 0, 16);
    h.writeUInt32LE(r.compressedSize, 20);
    h.writeUInt32LE(r.size, 24);
    h.writeUInt16LE(r.name.length, 28);
    h.writeUInt16LE(extra.length, 30);
    h.writeUInt16LE(0, 32);
    h.writeUInt16LE(0, 34);
    h.writeUInt16LE(0, 36);
    const mode = r.mode & 0o170000 ? r.mode : r.mode | 0o100000;
    h.writeUInt32LE(((mode & U16) << 16) >>> 0, 38);
    h.writeUInt32LE(zip64 ? U32 : r.offset, 42);
    return Buffer.concat([h, r.name, extra]);
  }

  /** Writes the central directory, ends `out`, and resolves once it has flushed. */
  async finish(): Promise<{ entries: number; bytes: number }> {
    if (this.finished) throw new GoModError('zip writer: finish called twice');
    this.finished = true;
    const cdOffset = this.offset;
    for (const r of this.records) await this.write(this.centralHeader(r));
    const cdSize = this.offset - cdOffset;
    const count = this.records.length;
    if (count >= U16 || cdOffset >= U32 || cdSize >= U32) {
      const zip64Offset = this.offset;
      const rec = Buffer.alloc(56);
      rec.writeUInt32LE(0x06064b50, 0);
      rec.writeBigUInt64LE(44n, 4);
      rec.writeUInt16LE((3 << 8) | 45, 12);
      rec.writeUInt16LE(45, 14);
      rec.writeBigUInt64LE(BigInt(count), 24);
      rec.writeBigUInt64LE(BigInt(count), 32);
      rec.writeBigUInt64LE(BigInt(cdSize), 40);
      rec.writeBigUInt64LE(BigInt(cdOffset), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0);
      locator.writeBigUInt64LE(BigInt(zip64Offset), 8);
      locator.writeUInt32LE(1, 16);
      await this.write(Buffer.concat([rec, locator]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(Math.min(count, U16), 8);
    end.writeUInt16LE(Math.min(count, U16), 10);
    end.writeUInt32LE(Math.min(cdSize, U32), 12);
    end.writeUInt32LE(Math.min(cdOffset, U32), 16);
    await this.write(end);
    const done = once(this.out, 'finish');
    this.out.end();
    await done;
    if (this.failure) throw this.failure;
    return { entries: count, bytes: this.offset };
  }
}

/** Writes `entries` as a zip to `out` with a {@link ZipWriter} and ends `out`. */
export async function writeZip(
  out: Writable,
  entries: Iterable<ZipEntrySource> | AsyncIterable<ZipEntrySource>,
  options: ZipWriterOptions = {},
): Promise<{ entries: number; bytes: number }> {
  const zip = new ZipWriter(out, options);
  for await (const entry of entries) await zip.add(entry);
  return zip.finish();
}
