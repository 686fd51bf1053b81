import { migrationCli } from '#persistence';
import { SCHEMA, voteDataSource } from './data-source.js';

const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('vote db: DATABASE_URL is required\n');
  process.exit(2);
}
process.exit(await migrationCli(SCHEMA, voteDataSource(url), process.argv.slice(2)));
