export * from './errors.js';
export * from './proxy-request.js';
export * from './cache-control.js';
export * from './single-flight.js';
export * from './lru-cache.js';
export * from './proxy-exception.filter.js';
export * from './proxy.module.js';
