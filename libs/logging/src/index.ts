export * from './create-logger.js';
export * from './nest-pino.logger.js';
export * from './request-id.js';
export * from './request-log.controller.js';
