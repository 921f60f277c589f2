import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { BlobIntegrityError, BlobNotFoundError } from './blob-store.js';
import { S3BlobStore } from './s3-blob-store.js';
import { createS3Client } from './s3-client.js';
import { describeBlobStoreConformance } from './testing.js';

const BUCKET = 'modgate-test';

let dir: string;
let server: S3rver;
let endpoint: string;
let client: S3Client;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modgate-s3rver-'));
  server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: join(dir, 'data'),
    configureBuckets: [{ name: BUCKET }],
  });
  endpoint = `http://127.0.0.1:${(await server.run()).port}`;
  client = createS3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
});

afterAll(async () => {
  client?.destroy();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

function storeWithFreshPrefix(): S3BlobStore {
  return new S3BlobStore({ bucket: BUCKET, prefix: `t-${randomBytes(6).toString('hex')}`, client, tmpDir: dir });
}

describeBlobStoreConformance('S3BlobStore on s3rver', async () => ({
  store: storeWithFreshPrefix(),
  cleanup: async () => undefined,
}));

describe('S3BlobStore on s3rver', () => {
  it('keeps blobs under its prefix and records the sha256 as object metadata', async () => {
    const store = new S3BlobStore({ bucket: BUCKET, prefix: 'pre/fix/', client });
    expect(store.description).toBe(`s3://${BUCKET}/pre/fix/`);
    const info = await store.put('example.com/x/@v/list', Buffer.from('v1.0.0\n'));
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'pre/fix/example.com/x/@v/list' }));
    expect(head.Metadata).toEqual({ sha256: info.sha256 });
  });

  it('uploads stream bodies byte for byte', async () => {
    const store = new S3BlobStore({ bucket: BUCKET, prefix: 'raw', client });
    const body = randomBytes(100_000);
    await store.put('k', Readable.from([body.subarray(0, 1), body.subarray(1)]));
    const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'raw/k' }));
    expect(Buffer.from(await object.Body!.transformToByteArray())).toEqual(body);
  });

  it('removes its spool files, whether the put succeeds or fails', async () => {
    const spoolDir = await mkdtemp(join(dir, 'spool-'));
    const store = new S3BlobStore({ bucket: BUCKET, prefix: 'spool', client, tmpDir: spoolDir });
    await store.put('ok', Readable.from([Buffer.from('ok')]));
    await expect(store.put('bad', Readable.from([Buffer.from('bad')]), { size: 1 })).rejects.toBeInstanceOf(
      BlobIntegrityError,
    );
    await expect(store.put('failed', Readable.from(failingSource()))).rejects.toThrow('reset');
    expect(await readdir(spoolDir)).toEqual([]);
  });

  // With the SDK's default checksums s3rver stores the aws-chunked framing as object data.
  it('detects and removes a write the server garbled', async () => {
    const defaultChecksumClient = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    try {
      const store = new S3BlobStore({ bucket: BUCKET, prefix: 'garbled', client: defaultChecksumClient });
      await expect(store.put('k', Readable.from([randomBytes(10_000)]))).rejects.toBeInstanceOf(BlobIntegrityError);
      await expect(store.stat('k')).rejects.toBeInstanceOf(BlobNotFoundError);
    } finally {
      defaultChecksumClient.destroy();
    }
  });

  it('fails ping when the bucket does not exist', async () => {
    await expect(new S3BlobStore({ bucket: 'no-such-bucket', client }).ping()).rejects.toThrow();
  });
});

async function* failingSource(): AsyncGenerator<Buffer> {
  yield Buffer.from('partial');
  throw new Error('connection reset');
}
