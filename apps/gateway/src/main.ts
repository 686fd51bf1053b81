import 'reflect-metadata';
import { bootOrExit, loadEnv } from '#observability';
import { gatewayConfig, startGateway } from './bootstrap.js';
import { GatewayEnv } from './config.js';

await bootOrExit('gateway', async () => {
  await startGateway(gatewayConfig(loadEnv(GatewayEnv)));
});
