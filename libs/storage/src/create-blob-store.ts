import type { BlobStore } from './blob-store.js';
import { FsBlobStore } from './fs-blob-store.js';
import { S3BlobStore } from './s3-blob-store.js';
import { createS3Client } from './s3-client.js';

/** Storage settings; S3 credentials come from the standard AWS environment, never from here. */
export type BlobStoreConfig =
  | { driver: 'fs'; root: string }
  | { driver: 's3'; bucket: string; endpoint?: string; region: string; forcePathStyle: boolean; prefix?: string };

/** The driver chosen by `config`. */
export function createBlobStore(config: BlobStoreConfig): BlobStore {
  switch (config.driver) {
    case 'fs':
      return new FsBlobStore(config.root);
    case 's3':
      return new S3BlobStore({
        bucket: config.bucket,
        prefix: config.prefix,
        client: createS3Client({
          endpoint: config.endpoint,
          region: config.region,
          forcePathStyle: config.forcePathStyle,
        }),
      });
  }
}
