export * from './correlation.js';
export * from './logger.js';
export * from './config.js';
export * from './health.js';
export * from './metrics.js';
export * from './hops.js';
