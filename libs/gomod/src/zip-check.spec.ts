import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { deflateRawSync } from 'node:zlib';
import { crc32 } from './crc32.js';
import { hash1Sync } from './dirhash.js';
import { GoModError } from './errors.js';
import { checkModuleZip } from './zip-check.js';
import { writeZip } from './zip-writer.js';

const M = 'example.com/m';
const V = 'v1.0.0';
const P = `${M}@${V}/`;

let dir: string;
let counter = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gomod-zip-check-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** One entry of a hand-made (possibly malformed) zip; every header field can be overridden. */
interface RawEntry {
  name: string | Buffer;
  data?: Buffer;
  method?: number;
  crc?: number;
  size?: number;
  flags?: number;
  descriptor?: Buffer;
  localSignature?: number;
}

/** Builds a zip byte by byte, so tests can write what no well-behaved writer would. */
function rawZip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.isBuffer(e.name) ? e.name : Buffer.from(e.name);
    const data = e.data ?? Buffer.alloc(0);
    const method = e.method ?? 0;
    const body = method === 8 ? deflateRawSync(data) : data;
    const crc = e.crc ?? crc32(data);
    const size = e.size ?? data.length;
    const flags = 0x0800 | (e.flags ?? 0);
    const descriptor = (flags & 0x0008) !== 0;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(e.localSignature ?? 0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(flags, 6);
    lh.writeUInt16LE(method, 8);
    lh.writeUInt32LE(descriptor ? 0 : crc, 14);
    lh.writeUInt32LE(descriptor ? 0 : body.length, 18);
    lh.writeUInt32LE(descriptor ? 0 : size, 22);
    lh.writeUInt16LE(name.length, 26);
    const parts = [lh, name, body];
    if (descriptor) {
      let d = e.descriptor;
      if (!d) {
        d = Buffer.alloc(16);
        d.writeUInt32LE(0x08074b50, 0);
        d.writeUInt32LE(crc, 4);
        d.writeUInt32LE(body.length, 8);
        d.writeUInt32LE(size, 12);
      }
      parts.push(d);
    }
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(0x0314, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(flags, 8);
    ch.writeUInt16LE(method, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(body.length, 20);
    ch.writeUInt32LE(size, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    centrals.push(ch, name);
    const local = Buffer.concat(parts);
    locals.push(local);
    offset += local.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

async function zipFile(bytes: Buffer): Promise<string> {
  const file = join(dir, `z${counter++}.zip`);
  await writeFile(file, bytes);
  return file;
}

const file = (name: string, content: string, extra: Partial<RawEntry> = {}): RawEntry => ({ name: P + name, data: Buffer.from(content), ...extra });
const descriptor = (crc: number, size: number, signature: boolean): Buffer => {
  const d = Buffer.alloc(signature ? 16 : 12);
  let at = 0;
  if (signature) at = d.writeUInt32LE(0x08074b50, 0);
  at = d.writeUInt32LE(crc, at);
  at = d.writeUInt32LE(size, at);
  d.writeUInt32LE(size, at);
  return d;
};

describe('checkModuleZip: zips from ZipWriter', () => {
  // Spec §11 vectors 10–12, written as a server would write them.
  it.each([
    ['exclude_submodule.txt', { 'go.mod': 'module example.com/m\n\ngo 1.13\n' }, 'h1:XduFAgX/GaspZa8Jv4pfzoGEzNaU/r88PiCunijw5ok='],
    ['exclude_cap_go_mod_submodule.txt', { 'a.go': 'package a\n' }, 'h1:xctQQey8/y7IcBjFZDP/onWLSXhlqcsC3i1fgSdpMHk='],
    ['go_mod_dir.txt', { 'go.mod/a.go': 'package a\n' }, 'h1:Mun5l9cBlDnnV6JasTpio2aZJSbFj++h+814mnKC/OM='],
    [
      'exclude_vendor.txt',
      { 'go.mod': 'module example.com/m\n\ngo 1.13\n', 'vendor/modules.txt': 'included\nsee comment in isVendoredPackage and golang.org/issue/31562.\n' },
      'h1:5u93LDLN0Me+NGfZtRpA5mHxY8svfykHpq4CMSaBZyc=',
    ],
  ])('%s', async (_name, files, h1) => {
    for (const method of ['store', 'deflate'] as const) {
      const path = join(dir, `w${counter++}.zip`);
      const entries = Object.entries(files).map(([name, content]) => ({ name: P + name, data: () => Readable.from([Buffer.from(content)]) }));
      await writeZip(createWriteStream(path), entries, { method });
      const sizes = Object.values(files).reduce((n, c) => n + Buffer.byteLength(c), 0);
      await expect(checkModuleZip(path, M, V)).resolves.toEqual({ h1, files: entries.length, uncompressedSize: sizes });
    }
  });
});

describe('checkModuleZip: accepted zips', () => {
  const dirHash = (names: string[], files: Record<string, string>): string =>
    hash1Sync([...names.map((name) => ({ name, data: Buffer.alloc(0) })), ...Object.entries(files).map(([name, c]) => ({ name, data: Buffer.from(c) }))]);

  it.each([
    ['no entries at all', [], 'h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=', 0],
    ['directory entries are hashed too', [{ name: P }, { name: P + 'sub/' }, file('sub/x.go', 'x')], dirHash([P, P + 'sub/'], { [P + 'sub/x.go']: 'x' }), 1],
    ['a repeated directory entry is hashed twice', [{ name: P + 'd/' }, { name: P + 'd/' }], dirHash([P + 'd/', P + 'd/'], {}), 0],
    ['directory entry with any method', [{ name: P + 'd/', method: 12 }], dirHash([P + 'd/'], {}), 0],
    ['a CRC of 0 is not checked (Go archive/zip)', [file('a.go', 'x', { crc: 0 })], dirHash([], { [P + 'a.go']: 'x' }), 1],
    ['data descriptor with signature', [file('a.go', 'hello', { flags: 8, method: 8 })], dirHash([], { [P + 'a.go']: 'hello' }), 1],
    ['data descriptor without signature', [file('a.go', 'hello', { flags: 8, descriptor: descriptor(crc32(Buffer.from('hello')), 5, false) })], dirHash([], { [P + 'a.go']: 'hello' }), 1],
    ['root go.mod and LICENSE', [file('go.mod', 'module example.com/m\n'), file('LICENSE', 'MIT')], dirHash([], { [P + 'go.mod']: 'module example.com/m\n', [P + 'LICENSE']: 'MIT' }), 2],
    ['Unicode names', [file('ünï/日本.go', 'x', { method: 8 })], dirHash([], { [P + 'ünï/日本.go']: 'x' }), 1],
    // U+20000 sorts after U+FF21 in UTF-8 but before it in UTF-16.
    ['names sorted byte-wise', [file('\u{20000}', 'b'), file('\uFF21', 'a')], dirHash([], { [P + '\uFF21']: 'a', [P + '\u{20000}']: 'b' }), 2],
  ] as Array<[string, RawEntry[], string, number]>)('%s', async (_name, entries, h1, files) => {
    const result = await checkModuleZip(await zipFile(rawZip(entries)), M, V);
    expect(result.h1).toBe(h1);
    expect(result.files).toBe(files);
  });
});

describe('checkModuleZip: rejected zips', () => {
  it.each([
    ['entry outside the module prefix', [file('a.go', 'x'), { name: 'other/a.go', data: Buffer.from('x') }], 'zip for example.com/m@v1.0.0 has unexpected file "other/a.go"'],
    ['prefix without slash', [{ name: `${M}@${V}` }], 'zip for example.com/m@v1.0.0 has unexpected file "example.com/m@v1.0.0"'],
    ['other version', [{ name: `${M}@v1.0.1/a.go`, data: Buffer.from('x') }], 'zip for example.com/m@v1.0.0 has unexpected file "example.com/m@v1.0.1/a.go"'],
    ['unclean path', [file('a/../b', 'x')], '"example.com/m@v1.0.0/a/../b": file path is not clean'],
    ['dot element', [file('./a', 'x')], '"example.com/m@v1.0.0/./a": file path is not clean'],
    ['double slash', [file('a//b', 'x')], '"example.com/m@v1.0.0/a//b": file path is not clean'],
    ['Windows name', [file('aux.go', 'x')], '"example.com/m@v1.0.0/aux.go": malformed file path "aux.go": "aux" disallowed as path element component on Windows'],
    ['bad character', [file('a:b', 'x')], `"example.com/m@v1.0.0/a:b": malformed file path "a:b": invalid char ':'`],
    ['newline in name', [file('a\nb', 'x')], `"example.com/m@v1.0.0/a\\nb": malformed file path "a\\nb": invalid char '\\n'`],
    ['invalid UTF-8', [{ name: Buffer.concat([Buffer.from(P), Buffer.from([0xff, 0x61])]), data: Buffer.from('x') }], '"example.com/m@v1.0.0/\uFFFDa": malformed file path "\uFFFDa": invalid UTF-8'],
    ['duplicate file', [file('a.go', 'x'), file('a.go', 'y')], '"example.com/m@v1.0.0/a.go": multiple entries for file "a.go"'],
    ['case collision', [file('a.go', 'x'), file('A.go', 'y')], '"example.com/m@v1.0.0/A.go": case-insensitive file name collision: "a.go" and "A.go"'],
    ['collision with a parent directory', [file('a', 'x'), file('A/b', 'y')], '"example.com/m@v1.0.0/A/b": case-insensitive file name collision: "a" and "A"'],
    ['file and directory entry', [file('a', 'x'), { name: P + 'a/' }], '"example.com/m@v1.0.0/a/": entry "a" is both a file and a directory'],
    ['file below a file', [file('a', 'x'), file('a/b', 'y')], '"example.com/m@v1.0.0/a/b": entry "a" is both a file and a directory'],
    ['go.mod below the root', [file('sub/go.mod', 'x')], '"example.com/m@v1.0.0/sub/go.mod": go.mod file not in module root directory'],
    ['Go.Mod below the root', [file('sub/Go.Mod', 'x')], '"example.com/m@v1.0.0/sub/Go.Mod": go.mod file not in module root directory'],
    ['upper-case root GO.MOD', [file('GO.MOD', 'x')], '"example.com/m@v1.0.0/GO.MOD": go.mod files must have lowercase names'],
    ['root go.mod over 16 MiB', [{ name: P + 'go.mod', data: Buffer.alloc((16 << 20) + 1), method: 8 }], '"example.com/m@v1.0.0/go.mod": go.mod file too large (max size is 16777216 bytes)'],
    ['root LICENSE over 16 MiB', [{ name: P + 'LICENSE', data: Buffer.alloc((16 << 20) + 1), method: 8 }], '"example.com/m@v1.0.0/LICENSE": LICENSE file too large (max size is 16777216 bytes)'],
    [
      'declared sizes over 500 MiB',
      [file('a', 'x', { method: 8, size: 300 << 20 }), file('b', 'x', { method: 8, size: 300 << 20 })],
      'total uncompressed size of module contents too large (max size is 524288000 bytes)',
    ],
    ['unsupported compression method', [file('a.go', 'x', { method: 12 })], '"example.com/m@v1.0.0/a.go": unsupported compression method 12'],
    ['wrong CRC', [file('a.go', 'x', { crc: 1234 })], '"example.com/m@v1.0.0/a.go": checksum error'],
    ['wrong CRC, deflated', [file('a.go', 'hello', { crc: 1234, method: 8 })], '"example.com/m@v1.0.0/a.go": checksum error'],
    ['data descriptor CRC differs', [file('a.go', 'hello', { flags: 8, descriptor: descriptor(0, 5, true) })], '"example.com/m@v1.0.0/a.go": checksum error'],
    ['CRC 0 with a data descriptor is checked', [file('a.go', 'hello', { flags: 8, crc: 0 })], '"example.com/m@v1.0.0/a.go": checksum error'],
    ['more data than declared', [file('a.go', 'hello world', { method: 8, size: 5 })], '"example.com/m@v1.0.0/a.go": too many bytes in the stream. expected 5. got at least 11'],
    ['less data than declared', [file('a.go', 'hello', { method: 8, size: 50 })], '"example.com/m@v1.0.0/a.go": not enough bytes in the stream. expected 50. got only 5'],
    ['directory entry with data', [{ name: P + 'd/', data: Buffer.from('x') }], '"example.com/m@v1.0.0/d/": directory entry has data'],
    ['bad local header', [file('a.go', 'x', { localSignature: 0x12345678 })], '"example.com/m@v1.0.0/a.go": invalid local file header signature: 0x12345678'],
    ['several invalid entries', [file('aux', 'x'), file('nul', 'y')], '"example.com/m@v1.0.0/aux": malformed file path "aux": "aux" disallowed as path element component on Windows (and 1 more invalid entries)'],
  ] as Array<[string, RawEntry[], string]>)('%s', async (_name, entries, message) => {
    await expect(checkModuleZip(await zipFile(rawZip(entries)), M, V)).rejects.toThrow(new GoModError(message));
  });

  it.each([
    ['not a zip', Buffer.from('hello, world'), /^not a valid zip file: /],
    ['truncated', rawZip([file('a.go', 'x')]).subarray(0, 40), /^not a valid zip file: /],
    ['empty file', Buffer.alloc(0), /^not a valid zip file: /],
  ])('%s', async (_name, bytes, message) => {
    const err = await checkModuleZip(await zipFile(bytes), M, V).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GoModError);
    expect((err as Error).message).toMatch(message);
  });

  it('rejects a zip file over 500 MiB before reading it', async () => {
    const path = join(dir, 'huge.zip');
    await writeFile(path, Buffer.alloc(0));
    await truncate(path, (500 << 20) + 1);
    await expect(checkModuleZip(path, M, V)).rejects.toThrow(
      new GoModError('module zip file is too large (524288001 bytes; limit is 524288000 bytes)'),
    );
  });

  it.each([
    [M, 'v1.0', 'version "v1.0" is not canonical (should be "v1.0.0")'],
    [M, 'v1.0.0+meta', 'version "v1.0.0+meta" is not canonical (should be "v1.0.0")'],
    [M, 'master', 'version "master" is not canonical (should be "")'],
    [M, 'v2.0.0', 'example.com/m@v2.0.0: invalid version: should be v0 or v1, not v2'],
    ['example.com/m/v2', 'v1.0.0', 'example.com/m/v2@v1.0.0: invalid version: should be v2, not v1'],
    ['Example.com/m', 'v1.0.0', `malformed module path "Example.com/m": invalid char 'E' in first path element`],
  ])('rejects %s@%s before opening the file', async (modulePath, version, message) => {
    await expect(checkModuleZip(join(dir, 'does-not-exist.zip'), modulePath, version)).rejects.toThrow(new GoModError(message));
  });

  it('accepts +incompatible versions', async () => {
    const path = await zipFile(rawZip([{ name: `${M}@v2.0.0+incompatible/a.go`, data: Buffer.from('x') }]));
    await expect(checkModuleZip(path, M, 'v2.0.0+incompatible')).resolves.toMatchObject({ files: 1, uncompressedSize: 1 });
  });
});
