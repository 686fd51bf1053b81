import 'reflect-metadata';
import { bootOrExit, loadEnv } from '#observability';
import { domainConfig, startDomainService } from '#messaging';
import { SERVICE_ENV } from './config.js';
import { VoteModule } from './vote.module.js';

await bootOrExit('vote', async () => {
  const config = domainConfig(loadEnv(SERVICE_ENV), 3104);
  await startDomainService('vote', VoteModule.forRoot(config), config);
});
