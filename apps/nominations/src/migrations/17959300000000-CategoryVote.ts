import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 16: a category may be an audience vote or combine jury and audience (null: the jury decides). */
export class CategoryVote17959300000000 implements MigrationInterface {
  name = 'CategoryVote17959300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "nominations"."categories" ADD "vote" jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "nominations"."categories" DROP COLUMN "vote"`);
  }
}
