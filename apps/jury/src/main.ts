import 'reflect-metadata';
import { bootOrExit, loadEnv } from '#observability';
import { domainConfig, startDomainService } from '#messaging';
import { SERVICE_ENV } from './config.js';
import { JuryModule } from './jury.module.js';

await bootOrExit('jury', async () => {
  const config = domainConfig(loadEnv(SERVICE_ENV), 3102);
  await startDomainService('jury', JuryModule.forRoot(config), config);
});
