export * from './webhook-payload.js';
export * from './webhook-signature.js';
export * from './sync-job.repository.js';
export * from './repo-sync.service.js';
export * from './sync.module.js';
