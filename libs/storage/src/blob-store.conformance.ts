/// <reference types="jest" />
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BlobIntegrityError, BlobNotFoundError, InvalidBlobKeyError, type BlobStore } from './blob-store.js';

/** A fresh, empty store for one test, and how to dispose of it. */
export interface BlobStoreFixture {
  store: BlobStore;
  cleanup(): Promise<void>;
}

const MiB = 1024 * 1024;

const GOPROXY_KEYS = [
  'github.com/!azure/x/@v/v1.0.0-!r!c1.zip',
  'github.com/!azure/x/@v/list',
  'example.com/a+b/@v/v1.0.0+incompatible.info',
  'example.com/a_b~c/@v/v0.0.0-20240101000000-abcdef123456.mod',
  'example.com/x/@latest',
];

const INVALID_KEYS = ['../x', '/abs', 'a//b', 'a/./b', 'a\\b', '', 'a/..', 'a/', '.', 'a\0b', 'a\nb', 'x'.repeat(1025)];

/**
 * The behaviour every BlobStore driver must show. `makeStore` is called before each test and
 * must return an empty store.
 */
export function describeBlobStoreConformance(name: string, makeStore: () => Promise<BlobStoreFixture>): void {
  describe(`${name} passes the BlobStore conformance suite`, () => {
    let fixture: BlobStoreFixture;
    let store: BlobStore;

    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    async function read(key: string): Promise<Buffer> {
      const { stream, size } = await store.get(key);
      const bytes = await buffer(stream);
      expect(bytes.length).toBe(size);
      return bytes;
    }

    async function expectMissing(key: string): Promise<void> {
      const getError = await rejectionOf(store.get(key));
      expect(getError).toBeInstanceOf(BlobNotFoundError);
      expect(getError.constructor).toBe(BlobNotFoundError);
      expect((getError as BlobNotFoundError).key).toBe(key);
      await expect(store.stat(key)).rejects.toBeInstanceOf(BlobNotFoundError);
    }

    it('round-trips a Buffer and returns its size and sha256', async () => {
      const body = Buffer.from('module example.com/x\n\ngo 1.22\n');
      await expect(store.put('example.com/x/@v/v1.0.0.mod', body)).resolves.toEqual(infoOf(body));
      expect(await read('example.com/x/@v/v1.0.0.mod')).toEqual(body);
    });

    it('round-trips a stream of many chunks', async () => {
      const chunks = Array.from({ length: 50 }, () => randomBytes(1000 + Math.floor(Math.random() * 5000)));
      const body = Buffer.concat(chunks);
      await expect(store.put('k/stream', Readable.from(chunks))).resolves.toEqual(infoOf(body));
      expect(await read('k/stream')).toEqual(body);
    });

    it('stores empty blobs, from a Buffer and from a stream', async () => {
      const empty = infoOf(Buffer.alloc(0));
      await expect(store.put('k/empty-buffer', Buffer.alloc(0))).resolves.toEqual(empty);
      await expect(store.put('k/empty-stream', Readable.from([]))).resolves.toEqual(empty);
      expect(await read('k/empty-buffer')).toHaveLength(0);
      expect(await read('k/empty-stream')).toHaveLength(0);
      await expect(store.stat('k/empty-stream')).resolves.toEqual({ size: 0 });
    });

    it('streams a 20 MiB blob in and out without holding it in memory', async () => {
      const source = generatedStream(20 * MiB);
      const info = await store.put('k/big.zip', source.stream);
      expect(info).toEqual({ size: 20 * MiB, sha256: source.sha256() });
      expect(source.peakBufferGrowth()).toBeLessThan(8 * MiB);
      const { stream, size } = await store.get('k/big.zip');
      expect(size).toBe(20 * MiB);
      expect(await digestOf(stream)).toBe(source.sha256());
    });

    it('replaces a blob on overwrite', async () => {
      await store.put('k/over', Buffer.from('first, longer version'));
      await store.put('k/over', Readable.from([Buffer.from('second')]));
      expect((await read('k/over')).toString()).toBe('second');
      await expect(store.stat('k/over')).resolves.toEqual({ size: 6 });
    });

    it('accepts a put whose expected size and sha256 match', async () => {
      const body = Buffer.from('expected');
      await expect(store.put('k/exp', Readable.from([body]), infoOf(body))).resolves.toEqual(infoOf(body));
    });

    it.each([
      ['size, Buffer body', true, { size: 3 }],
      ['size, stream body', false, { size: 3 }],
      ['sha256, Buffer body', true, { sha256: '0'.repeat(64) }],
      ['sha256, stream body', false, { sha256: '0'.repeat(64) }],
    ])('rejects a mismatched expected %s with BlobIntegrityError and stores nothing', async (_, asBuffer, expected) => {
      const body = Buffer.from('not what was announced');
      const put = store.put('k/bad', asBuffer ? body : Readable.from([body]), expected);
      await expect(put).rejects.toBeInstanceOf(BlobIntegrityError);
      await expectMissing('k/bad');
    });

    it('throws BlobNotFoundError from get and stat of a missing key', async () => {
      await expectMissing('never/put');
    });

    it('does not report a key prefix of stored blobs as a blob', async () => {
      await store.put('dir/@v/list', Buffer.from('v1.0.0\n'));
      await expectMissing('dir/@v');
      await expectMissing('dir');
    });

    it('stats a blob', async () => {
      await store.put('k/stat', Buffer.from('12345'));
      await expect(store.stat('k/stat')).resolves.toEqual({ size: 5 });
    });

    it('deletes a blob, and deleting a missing blob is fine', async () => {
      await store.put('k/del', Buffer.from('x'));
      await store.delete('k/del');
      await expectMissing('k/del');
      await expect(store.delete('k/del')).resolves.toBeUndefined();
      await expect(store.delete('never/put')).resolves.toBeUndefined();
    });

    it.each(GOPROXY_KEYS)('stores and finds GOPROXY key %s', async (key) => {
      const body = Buffer.from(`content of ${key}`);
      await expect(store.put(key, body)).resolves.toEqual(infoOf(body));
      expect(await read(key)).toEqual(body);
      await expect(store.stat(key)).resolves.toEqual({ size: body.length });
      await store.delete(key);
      await expectMissing(key);
    });

    describe.each(['put', 'get', 'stat', 'delete'] as const)('%s refuses invalid keys', (operation) => {
      it.each(INVALID_KEYS.map((key) => [JSON.stringify(key).slice(0, 40), key]))(
        '%s with InvalidBlobKeyError',
        async (_, key) => {
          const call = operation === 'put' ? store.put(key, Buffer.from('x')) : store[operation](key);
          await expect(call).rejects.toBeInstanceOf(InvalidBlobKeyError);
        },
      );
    });

    it('puts different keys concurrently', async () => {
      const bodies = Array.from({ length: 12 }, (_, i) => randomBytes(10_000 + i * 1000));
      const infos = await Promise.all(
        bodies.map((body, i) =>
          store.put(`concurrent/${i}`, i % 2 ? body : Readable.from([body.subarray(0, 5000), body.subarray(5000)])),
        ),
      );
      expect(infos).toEqual(bodies.map(infoOf));
      for (const [i, body] of bodies.entries()) expect(await read(`concurrent/${i}`)).toEqual(body);
    });

    it('rejects put when the source stream fails mid-way, and stores nothing', async () => {
      const failing = Readable.from(
        (async function* () {
          yield randomBytes(64 * 1024);
          yield randomBytes(64 * 1024);
          throw new Error('origin connection reset');
        })(),
      );
      await expect(store.put('k/failed', failing)).rejects.toThrow('origin connection reset');
      await expectMissing('k/failed');
    });

    async function listed(prefix?: string): Promise<Array<{ key: string; size: number }>> {
      const found: Array<{ key: string; size: number }> = [];
      for await (const blob of store.list(prefix)) {
        expect(Math.abs(blob.modifiedAt.getTime() - Date.now())).toBeLessThan(10 * 60_000);
        found.push({ key: blob.key, size: blob.size });
      }
      return found.sort((a, b) => (a.key < b.key ? -1 : 1));
    }

    it('lists every blob with its size, and nothing of a failed or deleted write', async () => {
      expect(await listed()).toEqual([]);
      for (const key of GOPROXY_KEYS) await store.put(key, Buffer.from(key));
      await store.put('k/gone', Buffer.from('x'));
      await store.delete('k/gone');
      await expect(store.put('k/bad', Buffer.from('x'), { size: 5 })).rejects.toBeInstanceOf(BlobIntegrityError);
      expect(await listed()).toEqual([...GOPROXY_KEYS].sort().map((key) => ({ key, size: Buffer.byteLength(key) })));
    });

    it('lists the blobs under a key prefix, whether it ends at a slash or inside a name', async () => {
      for (const key of GOPROXY_KEYS) await store.put(key, Buffer.from(key));
      const keys = async (prefix: string) => (await listed(prefix)).map((b) => b.key);
      expect(await keys('github.com/')).toEqual(['github.com/!azure/x/@v/list', 'github.com/!azure/x/@v/v1.0.0-!r!c1.zip']);
      expect(await keys('example.com/a')).toEqual(['example.com/a+b/@v/v1.0.0+incompatible.info', 'example.com/a_b~c/@v/v0.0.0-20240101000000-abcdef123456.mod']);
      expect(await keys('example.com/x/@latest')).toEqual(['example.com/x/@latest']);
      expect(await keys('nothing.here/')).toEqual([]);
    });

    it('lists more blobs than one page holds (a paging driver is made with small pages for this suite)', async () => {
      const keys = Array.from({ length: 45 }, (_, i) => `many/${String(i).padStart(4, '0')}`);
      await Promise.all(keys.map((key) => store.put(key, Buffer.from('m'))));
      expect((await listed('many/')).map((b) => b.key)).toEqual(keys);
    });

    it('answers ping and describes itself', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      expect(store.description).not.toBe('');
    });
  });
}

function infoOf(body: Buffer): { size: number; sha256: string } {
  return { size: body.length, sha256: createHash('sha256').update(body).digest('hex') };
}

async function digestOf(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/**
 * `size` random bytes, generated 64 KiB at a time as the consumer pulls them. Every MiB it
 * collects garbage and notes how far Buffer memory has grown: a driver that collects the whole
 * body before writing it grows by `size`.
 */
function generatedStream(size: number): { stream: Readable; sha256(): string; peakBufferGrowth(): number } {
  const chunkSize = 64 * 1024;
  const gc = garbageCollector();
  const hash = createHash('sha256');
  gc();
  const baseline = process.memoryUsage().arrayBuffers;
  let peak = 0;
  const measure = (): void => {
    gc();
    peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseline);
  };
  const stream = Readable.from(
    (function* () {
      for (let sent = 0; sent < size; sent += chunkSize) {
        if (sent % MiB === 0) measure();
        const chunk = randomBytes(Math.min(chunkSize, size - sent));
        hash.update(chunk);
        yield chunk;
      }
      measure();
    })(),
  );
  let digest: string | undefined;
  return {
    stream,
    sha256: () => (digest ??= hash.digest('hex')),
    peakBufferGrowth: () => peak,
  };
}

/** V8's `gc()`, which a test process does not expose unless asked to. */
function garbageCollector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
