export * from './upstream.errors.js';
export * from './http-fetch.js';
export * from './upstream-chain.js';
export * from './module-source.js';
export * from './upstream.source.js';
