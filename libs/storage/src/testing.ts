export { describeBlobStoreConformance, type BlobStoreFixture } from './blob-store.conformance.js';
