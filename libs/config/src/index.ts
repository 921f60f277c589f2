export * from './config.schema.js';
export * from './auth-config.schema.js';
export * from './audit-config.schema.js';
export * from './policy-document.schema.js';
export * from './load-config.js';
export * from './config.module.js';
