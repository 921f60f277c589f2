import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metricValue } from '#metrics';
import { BlobNotFoundError } from './blob-store.js';
import { FsBlobStore } from './fs-blob-store.js';
import { InstrumentedBlobStore } from './instrumented-blob-store.js';
import { describeBlobStoreConformance } from './testing.js';

const DURATION_COUNT = 'modgate_blob_store_operation_duration_seconds_count';

describeBlobStoreConformance('InstrumentedBlobStore around FsBlobStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'modgate-instrumented-store-'));
  return { store: new InstrumentedBlobStore(new FsBlobStore(join(dir, 'blobs')), 'fs'), cleanup: () => rm(dir, { recursive: true, force: true }) };
});

describe('InstrumentedBlobStore', () => {
  let dir: string;
  let store: InstrumentedBlobStore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modgate-instrumented-store-'));
    // A driver name of its own, so the conformance suite's observations do not count here.
    store = new InstrumentedBlobStore(new FsBlobStore(join(dir, 'blobs')), 'fs-spec');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const count = (operation: string, result: string) => metricValue(DURATION_COUNT, { driver: 'fs-spec', operation, result });

  it('times each operation by driver, operation and result', async () => {
    await store.put('a/@v/v1.0.0.mod', Buffer.from('module a\n'));
    const { stream } = await store.get('a/@v/v1.0.0.mod');
    stream.resume();
    await store.stat('a/@v/v1.0.0.mod');
    await store.delete('a/@v/v1.0.0.mod');
    await store.ping();
    for (const operation of ['put', 'get', 'stat', 'delete', 'ping']) expect(await count(operation, 'ok')).toBe(1);
  });

  it('counts a missing blob as not_found and a refused key as error, and still throws both', async () => {
    await expect(store.get('missing/@v/v1.0.0.zip')).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.stat('../escape')).rejects.toThrow(/invalid blob key/);
    expect(await count('get', 'not_found')).toBe(1);
    expect(await count('stat', 'error')).toBe(1);
  });
});
