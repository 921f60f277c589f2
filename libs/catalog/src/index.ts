export * from './visible-page.js';
export * from './page-token.js';
export * from './artifact-blob-key.js';
export * from './catalog.repository.js';
export * from './catalog.service.js';
export * from './blob-gc.service.js';
export * from './eviction.service.js';
export * from './catalog.module.js';
