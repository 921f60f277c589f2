import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { GoModError } from './errors.js';
import { hash1, hash1FromDigests, hash1Sync, hashGoMod } from './dirhash.js';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const htop = (summary: string): string => 'h1:' + createHash('sha256').update(summary).digest('base64');

describe('hash1', () => {
  it.each([
    // Spec §11 vector 6: published go.sum values.
    ['empty file list', [], 'h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='],
    ['legacy go.mod of pkg/errors', [['go.mod', 'module github.com/pkg/errors\n']], 'h1:bwawxfHBFNV+L2hUp1rHADufV3IMtnDRdf1r5NINEl0='],
    // x/mod dirhash TestHash1: names sorted, "<sha256>  <name>\n" lines.
    [
      'x/mod TestHash1',
      [['xyz', 'data for xyz'], ['abc', 'data for abc']],
      htop(`${sha('data for abc')}  abc\n${sha('data for xyz')}  xyz\n`),
    ],
    // U+FFFD sorts before U+1F600 in UTF-8 but after it in UTF-16.
    [
      'byte-wise UTF-8 order',
      [['\u{1F600}', 'b'], ['\uFFFD', 'a']],
      htop(`${sha('a')}  \uFFFD\n${sha('b')}  \u{1F600}\n`),
    ],
    ['upper case sorts first', [['b', ''], ['B', ''], ['a', '']], htop(`${sha('')}  B\n${sha('')}  a\n${sha('')}  b\n`)],
  ] as Array<[string, Array<[string, string]>, string]>)('%s', async (_name, files, expected) => {
    const asBuffers = files.map(([name, data]) => ({ name, data: Buffer.from(data) }));
    expect(hash1Sync(asBuffers)).toBe(expected);
    expect(await hash1(asBuffers.map((f) => ({ name: f.name, open: () => f.data })))).toBe(expected);
    expect(
      await hash1(asBuffers.map((f) => ({ name: f.name, open: async () => Readable.from([f.data.subarray(0, 3), f.data.subarray(3)]) }))),
    ).toBe(expected);
    expect(hash1FromDigests(asBuffers.map((f) => ({ name: f.name, sha256: sha(f.data.toString()) })))).toBe(expected);
  });

  it('rejects a name with a newline', async () => {
    await expect(hash1([{ name: 'a\nb', open: () => Buffer.alloc(0) }])).rejects.toThrow(
      new GoModError('dirhash: filenames with newlines are not supported'),
    );
  });

  it('opens files one at a time, in name order', async () => {
    const opened: string[] = [];
    let open = 0;
    const file = (name: string) => ({
      name,
      open: async () => {
        expect(open).toBe(0);
        open++;
        opened.push(name);
        const stream = Readable.from([Buffer.from(name)]);
        stream.on('end', () => open--);
        return stream;
      },
    });
    await hash1([file('c'), file('a'), file('b')]);
    expect(opened).toEqual(['a', 'b', 'c']);
  });
});

describe('hashGoMod', () => {
  it.each([
    ['legacy go.mod of pkg/errors', 'module github.com/pkg/errors\n', 'h1:bwawxfHBFNV+L2hUp1rHADufV3IMtnDRdf1r5NINEl0='],
    ['raw bytes are hashed (CRLF differs)', 'module github.com/pkg/errors\r\n', htop(`${sha('module github.com/pkg/errors\r\n')}  go.mod\n`)],
  ])('%s', (_name, content, expected) => {
    expect(hashGoMod(Buffer.from(content))).toBe(expected);
  });
});
