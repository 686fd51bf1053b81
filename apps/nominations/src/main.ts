import 'reflect-metadata';
import { bootOrExit, loadEnv } from '#observability';
import { domainConfig, DomainServiceEnv, startDomainService } from '#messaging';
import { NominationsModule } from './nominations.module.js';

await bootOrExit('nominations', async () => {
  const config = domainConfig(loadEnv(DomainServiceEnv), 3101);
  await startDomainService('nominations', NominationsModule.forRoot(config), config);
});
