export * from './artifact.repository.js';
export * from './version-index.repository.js';
export * from './tag-event.repository.js';
export * from './sql-client.js';
export * from './instrumented-sql-client.js';
export * from './migrator.js';
export * from './open-database.js';
export * from './database.module.js';
