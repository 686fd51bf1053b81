import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 16: the jury learns how a category is decided (a combined category's seal goes to the vote service). Expand only. */
export class CategoryVote17959400000000 implements MigrationInterface {
  name = 'CategoryVote17959400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "jury"."categories" ADD "vote" jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "jury"."categories" DROP COLUMN "vote"`);
  }
}
