import { Readable } from 'node:stream';

/** One member of a tar archive. */
export interface TarEntry {
  /** Full name: pax `path`, GNU long name, or ustar prefix + `/` + name (directories end in `/`). */
  path: string;
  type: 'file' | 'symlink' | 'directory' | 'other';
  /** The raw typeflag (`0`, `2`, `5`, ...; `\0` for old-style files). */
  typeflag: string;
  mode: number;
  /** Bytes of `body`. */
  size: number;
  /** Target of a symlink (pax `linkpath` or the header field); '' otherwise. */
  linkname: string;
  /** The member's data, streamed from the archive; empty for anything but files. */
  body: Readable;
}

/** The archive is not a well-formed tar stream (bad checksum, truncated, oversized header). */
export class TarFormatError extends Error {
  override readonly name = 'TarFormatError';
}

const BLOCK = 512;
const BODY_CHUNK = 64 * 1024;
/** Bigger pax or GNU long-name headers are refused, so a hostile archive cannot make us buffer it. */
const META_LIMIT = 1024 * 1024;

/**
 * Parses a tar stream (ustar, pax `x` headers, GNU `L`/`K` long names; pax `g` global headers are
 * skipped) one member at a time. Each member's body streams straight from `source` with
 * backpressure, so memory stays bounded whatever the member sizes. Read a body fully before asking
 * for the next member, or it is skipped (drained and destroyed) then. Stopping early (break) stops
 * reading `source` and destroys it.
 */
export async function* readTar(source: AsyncIterable<Buffer>): AsyncGenerator<TarEntry> {
  const reader = new BlockReader(source[Symbol.asyncIterator]());
  let body: EntryBody | undefined;
  try {
    let meta: Partial<Record<'path' | 'linkpath' | 'size', string>> = {};
    for (;;) {
      const header = await reader.readExact(BLOCK);
      if (header === null || isZero(header)) break;
      const h = parseHeader(header);
      const size = meta.size !== undefined ? parseDecimal(meta.size) : h.size;
      const padding = (BLOCK - (size % BLOCK)) % BLOCK;
      if (h.typeflag === 'x' || h.typeflag === 'g' || h.typeflag === 'L' || h.typeflag === 'K') {
        if (size > META_LIMIT) throw new TarFormatError(`tar: ${h.typeflag} header of ${size} bytes`);
        const data = await reader.readFully(size);
        await reader.skip(padding);
        if (h.typeflag === 'x') meta = { ...meta, ...parsePax(data) };
        else if (h.typeflag === 'L') meta.path = cString(data);
        else if (h.typeflag === 'K') meta.linkpath = cString(data);
        continue;
      }
      const type = entryType(h.typeflag);
      const dataSize = type === 'symlink' || type === 'directory' ? 0 : size;
      body = new EntryBody(reader, dataSize);
      yield { path: meta.path ?? h.name, type, typeflag: h.typeflag, mode: h.mode, size: dataSize, linkname: meta.linkpath ?? h.linkname, body };
      const unread = await body.detach();
      if (unread > 0) body.destroy();
      await reader.skip(unread + (size - dataSize) + padding);
      meta = {};
    }
    // Read to the end so a failure of the producer (a git exit status) is not missed.
    await reader.drain();
  } finally {
    // Stopped early: the consumer's half-read body must not wait for data that will never come.
    if (body && !body.readableEnded) body.destroy();
    await reader.close();
  }
}

interface Header {
  name: string;
  mode: number;
  size: number;
  typeflag: string;
  linkname: string;
}

function parseHeader(block: Buffer): Header {
  const stored = parseNumber(block.subarray(148, 156));
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
  if (stored !== sum) throw new TarFormatError('tar: header checksum mismatch');
  const name = cString(block.subarray(0, 100));
  const ustar = block.subarray(257, 263).toString('latin1') === 'ustar\0';
  const prefix = ustar ? cString(block.subarray(345, 500)) : '';
  return {
    name: prefix ? `${prefix}/${name}` : name,
    mode: parseNumber(block.subarray(100, 108)),
    size: parseNumber(block.subarray(124, 136)),
    typeflag: String.fromCharCode(block[156] ?? 0),
    linkname: cString(block.subarray(157, 257)),
  };
}

function entryType(typeflag: string): TarEntry['type'] {
  if (typeflag === '0' || typeflag === '\0' || typeflag === '7') return 'file';
  if (typeflag === '2') return 'symlink';
  if (typeflag === '5') return 'directory';
  return 'other';
}

/** Octal (NUL/space terminated) or, with the high bit of the first byte set, base-256. */
function parseNumber(field: Buffer): number {
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let value = (field[0] ?? 0) & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] ?? 0);
    return value;
  }
  const text = field.toString('latin1').replace(/[\0 ].*$/s, '').trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError(`tar: bad number field ${JSON.stringify(text)}`);
  return parseInt(text, 8);
}

function parseDecimal(text: string): number {
  if (!/^\d+$/.test(text)) throw new TarFormatError(`tar: bad pax size ${JSON.stringify(text)}`);
  return Number(text);
}

/** pax extended header records: `<length> <key>=<value>\n`, the length counting the whole record. */
function parsePax(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    const length = space < 0 ? NaN : Number(data.subarray(pos, space).toString('latin1'));
    if (!Number.isInteger(length) || length <= space - pos || pos + length > data.length) throw new TarFormatError('tar: malformed pax record');
    const record = data.subarray(space + 1, pos + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) records[record.slice(0, eq)] = record.slice(eq + 1);
    pos += length;
  }
  return records;
}

function cString(field: Buffer): string {
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? field.length : end).toString('utf8');
}

function isZero(block: Buffer): boolean {
  for (const byte of block) if (byte !== 0) return false;
  return true;
}

/** Pulls exact byte counts from an async iterator of chunks, holding at most about one chunk. */
class BlockReader {
  private buffer: Buffer = Buffer.alloc(0);
  private ended = false;
  private failure: unknown;

  constructor(private readonly chunks: AsyncIterator<Buffer>) {}

  /** `n` bytes, or null at a clean end of input; throws when the input ends inside them. */
  async readExact(n: number): Promise<Buffer | null> {
    while (this.buffer.length < n && (await this.pull()));
    if (this.buffer.length === 0 && this.ended) return null;
    if (this.buffer.length < n) throw new TarFormatError('tar: unexpected end of archive');
    return this.take(n);
  }

  async readFully(n: number): Promise<Buffer> {
    return n === 0 ? Buffer.alloc(0) : ((await this.readExact(n)) ?? this.truncated());
  }

  /** Between 1 and `max` bytes; throws at the end of input. */
  async readSome(max: number): Promise<Buffer> {
    if (this.buffer.length === 0 && !(await this.pull())) this.truncated();
    return this.take(Math.min(max, this.buffer.length));
  }

  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) left -= (await this.readSome(left)).length;
  }

  async drain(): Promise<void> {
    this.buffer = Buffer.alloc(0);
    while (await this.pull()) this.buffer = Buffer.alloc(0);
  }

  async close(): Promise<void> {
    if (!this.ended && this.failure === undefined) await this.chunks.return?.();
  }

  private truncated(): never {
    throw new TarFormatError('tar: unexpected end of archive');
  }

  private take(n: number): Buffer {
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return out;
  }

  private async pull(): Promise<boolean> {
    if (this.failure !== undefined) throw this.failure;
    if (this.ended) return false;
    let next: IteratorResult<Buffer>;
    try {
      next = await this.chunks.next();
    } catch (error) {
      // Keep the producer's own error (e.g. git's exit status) for every later read.
      this.failure = error ?? new Error('tar source failed');
      throw this.failure;
    }
    if (next.done) {
      this.ended = true;
      return false;
    }
    this.buffer = this.buffer.length === 0 ? next.value : Buffer.concat([this.buffer, next.value]);
    return true;
  }
}

/** A member's data: reads from the shared reader only when its consumer asks for more. */
class EntryBody extends Readable {
  private inFlight: Promise<void> | undefined;
  private detached = false;

  constructor(
    private readonly reader: BlockReader,
    private remaining: number,
  ) {
    super({ highWaterMark: BODY_CHUNK });
    if (remaining === 0) this.push(null);
  }

  override _read(): void {
    if (this.detached || this.inFlight || this.remaining === 0) return;
    this.inFlight = this.reader.readSome(Math.min(this.remaining, BODY_CHUNK)).then(
      (chunk) => {
        this.inFlight = undefined;
        this.remaining -= chunk.length;
        if (this.destroyed) return;
        this.push(chunk);
        if (this.remaining === 0) this.push(null);
      },
      (error: unknown) => {
        this.inFlight = undefined;
        this.destroy(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }

  /** Stops reading from the archive; resolves with the bytes of this member nobody read. */
  async detach(): Promise<number> {
    this.detached = true;
    await this.inFlight;
    return this.remaining;
  }
}
