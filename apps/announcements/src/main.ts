import 'reflect-metadata';
import { bootOrExit, loadEnv } from '#observability';
import { domainConfig, DomainServiceEnv, startDomainService } from '#messaging';
import { AnnouncementsModule } from './announcements.module.js';

await bootOrExit('announcements', async () => {
  const config = domainConfig(loadEnv(DomainServiceEnv), 3103);
  await startDomainService('announcements', AnnouncementsModule.forRoot(config), config);
});
