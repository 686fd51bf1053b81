import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 16, the combined verdict: the jury's sealed part per category, and the combination kept with the seal. Expand only. */
export class CombinedVerdict17959400000001 implements MigrationInterface {
  name = 'CombinedVerdict17959400000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "vote"."jury_parts" ("category_id" uuid NOT NULL, "ceremony_id" uuid NOT NULL, "winner_id" uuid NOT NULL, "ranking" jsonb NOT NULL, "commitment" character(64) NOT NULL, "sealed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ballot_root" character(64) NOT NULL, "ballot_count" integer NOT NULL, CONSTRAINT "PK_jury_parts" PRIMARY KEY ("category_id"))`);
    await queryRunner.query(`CREATE INDEX "jury_parts_ceremony" ON "vote"."jury_parts"  ("ceremony_id") `);
    await queryRunner.query(`ALTER TABLE "vote"."windows" ADD "combination" jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "vote"."windows" DROP COLUMN "combination"`);
    await queryRunner.query(`DROP TABLE "vote"."jury_parts"`);
  }
}
