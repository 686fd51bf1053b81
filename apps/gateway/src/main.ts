import 'reflect-metadata';
import { bootOrExit, loadEnv } from '#observability';
import { gatewayConfig, startGateway } from './bootstrap.js';
import { GatewayEnv, refuseAdminToken } from './config.js';

await bootOrExit('gateway', async () => {
  refuseAdminToken(process.env);
  await startGateway(gatewayConfig(loadEnv(GatewayEnv)));
});
