import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { BlobIntegrityError, BlobNotFoundError, BlobStoreWriteError } from './blob-store.js';
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
  // Pages of 10 keys: the conformance suite lists more than one page.
  return new S3BlobStore({ bucket: BUCKET, prefix: `t-${randomBytes(6).toString('hex')}`, client, tmpDir: dir, listPageSize: 10 });
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

  // s3rver accepts any credentials and cannot be made read-only, so a stand-in endpoint answers
  // every request as a read-only bucket does (403 AccessDenied, the S3 error document).
  it('answers a write a read-only bucket refuses as "not writable", with the cause kept (mock S3 endpoint)', async () => {
    const denying = createServer((req, res) => {
      req.resume();
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
    });
    await new Promise<void>((resolve) => denying.listen(0, '127.0.0.1', resolve));
    const refusing = createS3Client({
      endpoint: `http://127.0.0.1:${(denying.address() as AddressInfo).port}`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    try {
      const store = new S3BlobStore({ bucket: BUCKET, prefix: 'refused/', client: refusing });
      const refused = await store.put('a/@v/v1.0.0.mod', Buffer.from('module a\n')).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(BlobStoreWriteError);
      expect((refused as BlobStoreWriteError).condition).toBe('not writable');
      expect((refused as BlobStoreWriteError).message).toMatch(/^blob store is not writable: cannot store a\/@v\/v1.0.0.mod: Access Denied/);
    } finally {
      refusing.destroy();
      await new Promise((resolve) => denying.close(resolve));
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
