import 'reflect-metadata';
import { bootOrExit, loadEnv } from '#observability';
import { startDomainService } from '#messaging';
import { nominationsConfig, NominationsEnv } from './config.js';
import { NominationsModule } from './nominations.module.js';

await bootOrExit('nominations', async () => {
  const config = nominationsConfig(loadEnv(NominationsEnv));
  await startDomainService('nominations', NominationsModule.forRoot(config), config);
});
