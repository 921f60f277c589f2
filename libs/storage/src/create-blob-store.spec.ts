import { createBlobStore } from './create-blob-store.js';
import { FsBlobStore } from './fs-blob-store.js';
import { S3BlobStore } from './s3-blob-store.js';

describe('createBlobStore', () => {
  it('makes a filesystem store', () => {
    const store = createBlobStore({ driver: 'fs', root: '/var/lib/modgate/blobs' });
    expect(store).toBeInstanceOf(FsBlobStore);
    expect(store.description).toBe('filesystem /var/lib/modgate/blobs');
  });

  it('makes an S3 store whose description names the bucket and prefix only', () => {
    const store = createBlobStore({
      driver: 's3',
      bucket: 'modules',
      prefix: 'modgate',
      endpoint: 'http://minio:9000',
      region: 'eu-west-1',
      forcePathStyle: true,
    });
    expect(store).toBeInstanceOf(S3BlobStore);
    expect(store.description).toBe('s3://modules/modgate/');
  });
});
