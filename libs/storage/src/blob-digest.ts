import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { BlobIntegrityError, type BlobInfo } from './blob-store.js';

export function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk);
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`blob body chunk is not bytes: ${typeof chunk}`);
}

export function digestBuffer(body: Buffer): BlobInfo {
  return { size: body.length, sha256: createHash('sha256').update(body).digest('hex') };
}

export async function digestStream(stream: Readable): Promise<BlobInfo> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    const bytes = toBuffer(chunk);
    hash.update(bytes);
    size += bytes.length;
  }
  return { size, sha256: hash.digest('hex') };
}

export function assertExpected(key: string, actual: BlobInfo, expected: Partial<BlobInfo> = {}): void {
  if (expected.size !== undefined && expected.size !== actual.size) {
    throw new BlobIntegrityError(`${key}: got ${actual.size} bytes, expected ${expected.size}`);
  }
  if (expected.sha256 !== undefined && expected.sha256.toLowerCase() !== actual.sha256) {
    throw new BlobIntegrityError(`${key}: got sha256 ${actual.sha256}, expected ${expected.sha256}`);
  }
}
