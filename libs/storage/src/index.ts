export {
  BlobIntegrityError,
  BlobNotFoundError,
  BlobStoreWriteError,
  InvalidBlobKeyError,
  type BlobInfo,
  type BlobListing,
  type BlobStore,
} from './blob-store.js';
export { createBlobStore, type BlobStoreConfig } from './create-blob-store.js';
export { FsBlobStore } from './fs-blob-store.js';
export { InstrumentedBlobStore } from './instrumented-blob-store.js';
export { assertValidKey } from './key.js';
export { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';
export { createS3Client, type S3ClientOptions } from './s3-client.js';
export { BLOB_STORE, StorageModule } from './storage.module.js';
