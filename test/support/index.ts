/** Helpers for the e2e and integration tests: real processes, real go, real git, real Postgres. */
export * from './credentials.js';
export * from './exec.js';
export * from './fixture-goproxy.js';
export * from './git-fixtures.js';
export * from './git-http-server.js';
export * from './go.js';
export * from './modgate-process.js';
export * from './net.js';
export * from './postgres.js';
export * from './run-fixtures.js';
export * from './slapd.js';
export * from './stack.js';
export * from './static-server.js';
export * from './tls.js';
export * from './tmp.js';
export * from './vulndb-fixture.js';
