export * from '../../tools/local-system.js';
