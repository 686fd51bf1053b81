import { migrationCli } from '#persistence';
import { announcementsDataSource, SCHEMA } from './data-source.js';

const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('announcements db: DATABASE_URL is required\n');
  process.exit(2);
}
process.exit(await migrationCli(SCHEMA, announcementsDataSource(url), process.argv.slice(2)));
