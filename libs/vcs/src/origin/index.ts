export * from './origin-matcher.js';
export * from './go-get-discovery.js';
export * from './mirror-registry.js';
export * from './private-git.source.js';
export * from './private-origins.module.js';
export * from './git-failure.js';
