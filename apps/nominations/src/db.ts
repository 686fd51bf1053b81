import { migrationCli } from '#persistence';
import { nominationsDataSource, SCHEMA } from './data-source.js';

const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('nominations db: DATABASE_URL is required\n');
  process.exit(2);
}
process.exit(await migrationCli(SCHEMA, nominationsDataSource(url), process.argv.slice(2)));
