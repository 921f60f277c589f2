import { createHash } from 'node:crypto';
import { GoModError } from './errors.js';

/** One file for {@link hash1}: its name in the hash and a way to read its bytes. */
export interface HashFile {
  name: string;
  open: () => Promise<NodeJS.ReadableStream | Buffer> | NodeJS.ReadableStream | Buffer;
}

interface SummaryLine {
  name: string;
  nameBytes: Buffer;
}

function sortedNames<T extends { name: string }>(files: readonly T[]): Array<T & SummaryLine> {
  const lines = files.map((f) => {
    if (f.name.includes('\n')) throw new GoModError('dirhash: filenames with newlines are not supported');
    return { ...f, nameBytes: Buffer.from(f.name, 'utf8') };
  });
  // Go sorts names as byte strings; UTF-16 order differs above U+FFFF.
  return lines.sort((a, b) => Buffer.compare(a.nameBytes, b.nameBytes));
}

async function sha256Hex(data: NodeJS.ReadableStream | Buffer): Promise<string> {
  const h = createHash('sha256');
  if (Buffer.isBuffer(data)) return h.update(data).digest('hex');
  for await (const chunk of data) h.update(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer));
  return h.digest('hex');
}

/** The `h1:` value for a list of per-file SHA-256 hex digests (the last step of dirhash.Hash1). */
export function hash1FromDigests(files: ReadonlyArray<{ name: string; sha256: string }>): string {
  const summary = createHash('sha256');
  for (const f of sortedNames(files)) {
    summary.update(`${f.sha256}  `);
    summary.update(f.nameBytes);
    summary.update('\n');
  }
  return 'h1:' + summary.digest('base64');
}

/**
 * x/mod dirhash.Hash1 (spec §7): `h1:` + base64(sha256(summary)), where the summary has one line
 * `<sha256 hex>  <name>\n` per file in byte-wise name order. Files are opened one at a time, in
 * that order, so memory stays bounded by one stream.
 */
export async function hash1(files: readonly HashFile[]): Promise<string> {
  const digests: Array<{ name: string; sha256: string }> = [];
  for (const f of sortedNames(files)) {
    digests.push({ name: f.name, sha256: await sha256Hex(await f.open()) });
  }
  return hash1FromDigests(digests);
}

/** {@link hash1} for files already in memory. */
export function hash1Sync(files: ReadonlyArray<{ name: string; data: Buffer }>): string {
  return hash1FromDigests(
    files.map((f) => ({ name: f.name, sha256: createHash('sha256').update(f.data).digest('hex') })),
  );
}

/** The go.sum hash of a `.mod` file (`M v/go.mod h1:…`): Hash1 over one file named `go.mod`. */
export function hashGoMod(bytes: Buffer): string {
  return hash1Sync([{ name: 'go.mod', data: bytes }]);
}
