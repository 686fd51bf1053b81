import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Deliberation threads (issue 15): comments per nominee and the chair's "discussed" marks. Expand only. */
export class Deliberation17959100000002 implements MigrationInterface {
  name = 'Deliberation17959100000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "jury"."deliberation_comments" ("id" uuid NOT NULL, "ceremony_id" uuid NOT NULL, "category_id" uuid NOT NULL, "nominee_id" uuid NOT NULL, "juror_id" uuid NOT NULL, "text" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_da707580d5308ad9e0b08cefcfb" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "deliberation_comments_thread" ON "jury"."deliberation_comments"  ("category_id", "nominee_id", "created_at") `);
    await queryRunner.query(`CREATE TABLE "jury"."deliberation_discussed" ("category_id" uuid NOT NULL, "nominee_id" uuid NOT NULL, "juror_id" uuid NOT NULL, "discussed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b6d3395d72af2f6f94ec03cc69a" PRIMARY KEY ("category_id", "nominee_id"))`);
  }

  async down(): Promise<void> {
    throw new Error('Deliberation17959100000002 is not reversible; restore from backup');
  }
}
