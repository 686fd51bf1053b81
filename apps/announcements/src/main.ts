import 'reflect-metadata';
import { bootOrExit, loadEnv } from '#observability';
import { startDomainService } from '#messaging';
import { AnnouncementsModule } from './announcements.module.js';
import { announcementsConfig, AnnouncementsEnv } from './config.js';

await bootOrExit('announcements', async () => {
  const config = announcementsConfig(loadEnv(AnnouncementsEnv));
  await startDomainService('announcements', AnnouncementsModule.forRoot(config), config);
});
