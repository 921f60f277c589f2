import { Global, Logger, Module } from '@nestjs/common';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import type { BlobStore } from './blob-store.js';
import { createBlobStore } from './create-blob-store.js';
import { InstrumentedBlobStore } from './instrumented-blob-store.js';

/** Injection token of the configured BlobStore. */
export const BLOB_STORE = Symbol('BLOB_STORE');

@Global()
@Module({
  providers: [
    {
      provide: BLOB_STORE,
      inject: [MODGATE_CONFIG],
      useFactory: (config: ModgateConfig): BlobStore => {
        const store = createBlobStore(config.storage);
        new Logger('Storage').log(store.description);
        return new InstrumentedBlobStore(store, config.storage.driver);
      },
    },
  ],
  exports: [BLOB_STORE],
})
export class StorageModule {}
