export * from './proxy-list.js';
