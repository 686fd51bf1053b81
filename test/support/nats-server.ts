export * from '../../tools/local-nats.js';
