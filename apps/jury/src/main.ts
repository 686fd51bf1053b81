import 'reflect-metadata';
import { bootOrExit, loadEnv } from '#observability';
import { domainConfig, DomainServiceEnv, startDomainService } from '#messaging';
import { JuryModule } from './jury.module.js';

await bootOrExit('jury', async () => {
  const config = domainConfig(loadEnv(DomainServiceEnv), 3102);
  await startDomainService('jury', JuryModule.forRoot(config), config);
});
