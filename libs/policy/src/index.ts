export * from './module-pattern.js';
export * from './version-constraint.js';
export * from './compile-policy.js';
export * from './evaluate.js';
export * from './policy.service.js';
export * from './module-access.service.js';
export * from './policy.module.js';
export * from './explain.js';
