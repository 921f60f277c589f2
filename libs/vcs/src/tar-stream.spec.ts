import { Readable } from 'node:stream';
import { readTar, TarFormatError, type TarEntry } from './tar-stream.js';

interface HeaderFields {
  name: string;
  size?: number;
  typeflag?: string;
  linkname?: string;
  prefix?: string;
  mode?: number;
}

/** A ustar header block with a correct checksum. */
function header(fields: HeaderFields): Buffer {
  const block = Buffer.alloc(512);
  block.write(fields.name, 0, 100, 'utf8');
  block.write(`${(fields.mode ?? 0o644).toString(8).padStart(7, '0')}\0`, 100, 'latin1');
  block.write(`${(fields.size ?? 0).toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  block.write(fields.typeflag ?? '0', 156, 'latin1');
  block.write(fields.linkname ?? '', 157, 100, 'utf8');
  block.write('ustar\u000000', 257, 'latin1');
  block.write(fields.prefix ?? '', 345, 155, 'utf8');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

function padded(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

function member(fields: HeaderFields, data: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([header({ ...fields, size: fields.size ?? data.length }), padded(data)]);
}

function pax(records: Record<string, string>, typeflag = 'x'): Buffer {
  const body = Object.entries(records)
    .map(([key, value]) => {
      const text = ` ${key}=${value}\n`;
      let length = Buffer.byteLength(text) + 1;
      while (String(length).length + Buffer.byteLength(text) !== length) length++;
      return `${length}${text}`;
    })
    .join('');
  return member({ name: 'pax', typeflag }, Buffer.from(body, 'utf8'));
}

const END = Buffer.alloc(1024);

/** Feeds `data` in chunks of `size` bytes, so headers and bodies straddle chunk boundaries. */
async function* chunked(data: Buffer, size = 7): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function collect(source: AsyncIterable<Buffer>): Promise<Array<Omit<TarEntry, 'body'> & { data: string }>> {
  const out = [];
  for await (const { body, ...entry } of readTar(source)) {
    out.push({ ...entry, data: Buffer.concat(await body.toArray()).toString('utf8') });
  }
  return out;
}

describe('readTar', () => {
  it('reads ustar, pax and GNU names, types and bodies across chunk boundaries', async () => {
    const long = `${'d'.repeat(120)}/file.go`;
    const archive = Buffer.concat([
      pax({ comment: 'abc123' }, 'g'),
      member({ name: 'a.txt' }, Buffer.from('hello\n')),
      member({ name: 'dir/', typeflag: '5', mode: 0o755 }),
      member({ name: 'link', typeflag: '2', linkname: 'a.txt' }),
      member({ name: 'x.go', prefix: 'p'.repeat(80) }, Buffer.from('prefixed')),
      pax({ path: long }),
      member({ name: 'ignored-name.data' }, Buffer.from('long')),
      pax({ linkpath: `${'t'.repeat(150)}` }),
      member({ name: 'longlink', typeflag: '2' }),
      member({ name: '././@LongLink', typeflag: 'L' }, Buffer.from(`gnu/${'g'.repeat(110)}\0`)),
      member({ name: 'short' }, Buffer.from('gnu')),
      member({ name: 'ü/ß.txt', typeflag: '\0' }, Buffer.from('unicode')),
      END,
    ]);
    const entries = await collect(chunked(archive));
    expect(entries.map((e) => [e.path, e.type, e.size, e.linkname, e.data])).toEqual([
      ['a.txt', 'file', 6, '', 'hello\n'],
      ['dir/', 'directory', 0, '', ''],
      ['link', 'symlink', 0, 'a.txt', ''],
      [`${'p'.repeat(80)}/x.go`, 'file', 8, '', 'prefixed'],
      [long, 'file', 4, '', 'long'],
      ['longlink', 'symlink', 0, 't'.repeat(150), ''],
      [`gnu/${'g'.repeat(110)}`, 'file', 3, '', 'gnu'],
      ['ü/ß.txt', 'file', 7, '', 'unicode'],
    ]);
    expect(entries[1]?.mode).toBe(0o755);
  });

  it('skips the unread rest of a body when the next member is asked for', async () => {
    const archive = Buffer.concat([member({ name: 'big' }, Buffer.alloc(5000, 1)), member({ name: 'next' }, Buffer.from('n')), END]);
    const seen: string[] = [];
    let skipped: Readable | undefined;
    for await (const entry of readTar(chunked(archive, 100))) {
      seen.push(entry.path);
      if (entry.path === 'big') {
        skipped = entry.body;
        continue;
      }
      expect(Buffer.concat(await entry.body.toArray()).toString()).toBe('n');
    }
    expect(seen).toEqual(['big', 'next']);
    expect(skipped?.destroyed).toBe(true);
  });

  it('stops pulling the source while a body is not read (memory stays bounded)', async () => {
    const size = 20 * 1024 * 1024;
    let produced = 0;
    async function* source(): AsyncGenerator<Buffer> {
      yield header({ name: 'huge', size });
      const chunk = Buffer.alloc(64 * 1024, 7);
      for (let sent = 0; sent < size; sent += chunk.length) {
        produced += chunk.length;
        yield chunk;
      }
      yield END;
    }
    let consumed = 0;
    let maxAhead = 0;
    for await (const entry of readTar(source())) {
      for await (const chunk of entry.body) {
        consumed += (chunk as Buffer).length;
        maxAhead = Math.max(maxAhead, produced - consumed);
        if (consumed % (4 * 1024 * 1024) < 64 * 1024) await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    expect(consumed).toBe(size);
    expect(maxAhead).toBeLessThan(512 * 1024);
  });

  it('destroys the source and a half-read body when the consumer stops early', async () => {
    const source = Readable.from(chunked(Buffer.concat([member({ name: 'a' }, Buffer.alloc(200_000)), member({ name: 'b' }), END]), 1000), {
      objectMode: false,
    });
    let body: Readable | undefined;
    for await (const entry of readTar(source)) {
      body = entry.body;
      body.read(10);
      break;
    }
    expect(source.destroyed).toBe(true);
    expect(body?.destroyed).toBe(true);
  });

  it.each([
    ['a bad checksum', () => Buffer.concat([Buffer.from(header({ name: 'a' })).fill(0x41, 0, 1), END])],
    ['a truncated body', () => Buffer.concat([header({ name: 'a', size: 1000 }), Buffer.alloc(100)])],
    ['a truncated header', () => header({ name: 'a' }).subarray(0, 300)],
    ['a malformed pax record', () => Buffer.concat([member({ name: 'p', typeflag: 'x' }, Buffer.from('99 path=x\n')), END])],
  ])('rejects %s', async (_name, make) => {
    await expect(collect(chunked(make(), 64))).rejects.toBeInstanceOf(TarFormatError);
  });

  it("fails with the source's own error, also after the end-of-archive blocks", async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield member({ name: 'a' }, Buffer.from('x'));
      yield END;
      throw new Error('git archive: exit status 128');
    }
    await expect(collect(failing())).rejects.toThrow('exit status 128');
  });

  it('accepts an archive without end-of-archive blocks and old-style typeflags', async () => {
    const entries = await collect(chunked(member({ name: 'old', typeflag: '\0' }, Buffer.from('v7'))));
    expect(entries.map((e) => [e.path, e.type, e.data])).toEqual([['old', 'file', 'v7']]);
  });
});
