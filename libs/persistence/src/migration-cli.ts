import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { migrate, schemaDrift } from './data-source.js';

/**
 * Per-service database command: `migrate` (run pending migrations), `drift` (exit 1 when entities and
 * migrations disagree), `generate <Name> <dir>` (write a migration with the SQL the drift shows).
 */
export async function migrationCli(schema: string, options: DataSourceOptions, argv: string[]): Promise<number> {
  const [command, name, dir] = argv;
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  try {
    if (command === 'migrate') {
      const ran = await migrate(dataSource, schema);
      process.stdout.write(ran.length ? `ran ${ran.join(', ')}\n` : 'no pending migrations\n');
      return 0;
    }
    if (command === 'drift' || command === 'generate') {
      await migrate(dataSource, schema);
      const sql = await schemaDrift(dataSource);
      if (command === 'drift') {
        if (sql.length) process.stdout.write(`schema "${schema}" drifts from its migrations:\n${sql.join(';\n')}\n`);
        else process.stdout.write(`schema "${schema}": entities and migrations agree\n`);
        return sql.length ? 1 : 0;
      }
      if (!name || !dir) throw new Error('usage: generate <Name> <migrations dir>');
      if (!sql.length) {
        process.stdout.write('nothing to generate\n');
        return 0;
      }
      const stamp = Date.now();
      const className = `${name}${stamp}`;
      const escape = (q: string) => q.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
      const body = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${sql.map((q) => `    await queryRunner.query(\`${escape(q)}\`);`).join('\n')}
  }

  async down(): Promise<void> {
    throw new Error('${className} is not reversible; restore from backup');
  }
}
`;
      const file = join(dir, `${stamp}-${name}.ts`);
      writeFileSync(file, body);
      process.stdout.write(`wrote ${file}\n`);
      return 0;
    }
    throw new Error('usage: migrate | drift | generate <Name> <dir>');
  } finally {
    await dataSource.destroy();
  }
}
