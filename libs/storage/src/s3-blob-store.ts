import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  S3ServiceException,
  type GetObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { assertExpected, digestBuffer, digestStream } from './blob-digest.js';
import { BlobIntegrityError, BlobNotFoundError, BlobStoreWriteError, type BlobInfo, type BlobListing, type BlobStore } from './blob-store.js';
import { assertValidKey } from './key.js';
import { spoolToFile } from './spool-file.js';

export interface S3BlobStoreOptions {
  bucket: string;
  /** Key prefix inside the bucket, e.g. `modgate` (stored as `modgate/<key>`). */
  prefix?: string;
  client: S3Client;
  /** Where stream bodies are spooled to learn their length before upload; default os.tmpdir(). */
  tmpDir?: string;
  /** Keys per page of a listing (`MaxKeys`); default 1000, the most S3 returns. */
  listPageSize?: number;
}

/**
 * Blobs as objects in an S3 bucket. Every upload is read back (size and SHA-256) before `put`
 * resolves, and deleted again when it does not match; the SHA-256 is also kept as object metadata
 * `x-amz-meta-sha256`.
 */
export class S3BlobStore implements BlobStore {
  readonly description: string;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly client: S3Client;
  private readonly tmpDir: string;
  private readonly listPageSize: number;

  constructor(options: S3BlobStoreOptions) {
    this.bucket = options.bucket;
    this.client = options.client;
    this.tmpDir = options.tmpDir ?? tmpdir();
    this.listPageSize = options.listPageSize ?? 1000;
    const prefix = (options.prefix ?? '').replace(/\/+$/, '');
    if (prefix !== '') assertValidKey(prefix);
    this.prefix = prefix === '' ? '' : `${prefix}/`;
    this.description = `s3://${this.bucket}/${this.prefix}`;
  }

  async put(key: string, body: Readable | Buffer, expected?: Partial<BlobInfo>): Promise<BlobInfo> {
    const objectKey = this.objectKey(key);
    if (Buffer.isBuffer(body)) {
      const info = digestBuffer(body);
      assertExpected(key, info, expected);
      await this.upload(key, objectKey, body, info);
      return info;
    }
    const spoolPath = join(this.tmpDir, `modgate-s3-${randomBytes(12).toString('hex')}`);
    try {
      const info = await spoolToFile(body, spoolPath, { fsync: false });
      assertExpected(key, info, expected);
      const spooled = createReadStream(spoolPath);
      try {
        await this.upload(key, objectKey, spooled, info);
      } finally {
        spooled.destroy();
      }
      return info;
    } finally {
      await rm(spoolPath, { force: true });
    }
  }

  async get(key: string): Promise<{ stream: Readable; size: number }> {
    const object = await this.getObject(key, this.objectKey(key));
    if (object.size === undefined) {
      object.stream.destroy();
      throw new Error(`S3 GetObject ${this.description}${key} returned no Content-Length`);
    }
    return { stream: object.stream, size: object.size };
  }

  async stat(key: string): Promise<{ size: number }> {
    const objectKey = this.objectKey(key);
    let size: number | undefined;
    try {
      size = (await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }))).ContentLength;
    } catch (error) {
      throw isNotFound(error) ? new BlobNotFoundError(key) : error;
    }
    if (size === undefined) throw new Error(`S3 HeadObject ${this.description}${key} returned no Content-Length`);
    return { size };
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  /**
   * ListObjects pages (`listPageSize` keys) below this store's prefix, each page starting after the
   * last key of the one before (`Marker`). Not ListObjectsV2: s3rver cannot make its continuation
   * tokens on a Node.js whose OpenSSL lacks DES, and every S3 API serves the V1 listing.
   */
  async *list(prefix = ''): AsyncIterable<BlobListing> {
    let marker: string | undefined;
    for (;;) {
      const page = await this.client.send(new ListObjectsCommand({ Bucket: this.bucket, Prefix: this.prefix + prefix, Marker: marker, MaxKeys: this.listPageSize }));
      const objects = page.Contents ?? [];
      for (const object of objects) {
        if (!object.Key?.startsWith(this.prefix)) continue;
        yield { key: object.Key.slice(this.prefix.length), size: object.Size ?? 0, modifiedAt: object.LastModified ?? new Date(0) };
      }
      const last = page.NextMarker ?? objects.at(-1)?.Key;
      if (!page.IsTruncated || last === undefined) return;
      marker = last;
    }
  }

  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  private objectKey(key: string): string {
    assertValidKey(key);
    return this.prefix + key;
  }

  /** Uploads and verifies; on any failure, removes whatever the upload may have left. */
  private async upload(key: string, objectKey: string, body: Readable | Buffer, info: BlobInfo): Promise<void> {
    try {
      await this.client
        .send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: objectKey,
            Body: body,
            ContentLength: info.size,
            Metadata: { sha256: info.sha256 },
          }),
        )
        .catch((error: unknown) => {
          throw asWriteRefusal(key, error);
        });
      await this.verify(key, objectKey, info);
    } catch (error) {
      await this.client
        .send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey }))
        .catch(() => undefined);
      throw error;
    }
  }

  private async verify(key: string, objectKey: string, sent: BlobInfo): Promise<void> {
    const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }));
    if (head.ContentLength !== sent.size) {
      throw new BlobIntegrityError(`${key}: stored ${head.ContentLength} bytes, sent ${sent.size}`);
    }
    const stored = await digestStream((await this.getObject(key, objectKey)).stream);
    if (stored.size !== sent.size || stored.sha256 !== sent.sha256) {
      throw new BlobIntegrityError(
        `${key}: read back ${stored.size} bytes sha256 ${stored.sha256}, sent ${sent.size} bytes sha256 ${sent.sha256}`,
      );
    }
  }

  private async getObject(
    key: string,
    objectKey: string,
  ): Promise<{ stream: Readable; size: number | undefined }> {
    let output: GetObjectCommandOutput;
    try {
      output = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey }));
    } catch (error) {
      throw isNotFound(error) ? new BlobNotFoundError(key) : error;
    }
    if (!(output.Body instanceof Readable)) {
      throw new Error(`S3 GetObject ${this.description}${key} did not return a Node.js stream`);
    }
    return { stream: output.Body, size: output.ContentLength };
  }
}

/** GetObject reports a missing key as NoSuchKey; HeadObject (no body) only as a bare 404. */
function isNotFound(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'NotFound');
}

/** A PutObject the store refused (no permission, read-only bucket, quota) as the typed write error. */
function asWriteRefusal(key: string, error: unknown): unknown {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = $metadata?.httpStatusCode;
  if (status === 507 || name === 'XMinioStorageFull' || name === 'QuotaExceeded') return new BlobStoreWriteError(key, 'full', error);
  if (status === 403) return new BlobStoreWriteError(key, 'not writable', error);
  return error;
}
