import { migrationCli } from '#persistence';
import { juryDataSource, SCHEMA } from './data-source.js';

const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('jury db: DATABASE_URL is required\n');
  process.exit(2);
}
process.exit(await migrationCli(SCHEMA, juryDataSource(url), process.argv.slice(2)));
