import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Expand only: entrants' submissions through a category's public form (issue 15 item 1); a new table the previous release never reads. */
export class IntakeSubmissions17959200000000 implements MigrationInterface {
  name = 'IntakeSubmissions17959200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "nominations"."intake_submissions" ("id" uuid NOT NULL, "ceremony_id" uuid NOT NULL, "category_id" uuid NOT NULL, "receipt_hash" character(64) NOT NULL, "answers" jsonb NOT NULL, "status" character varying(10) NOT NULL, "reason" text, "entry_id" uuid, "submitted_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "reviewed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_intake_submissions" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_intake_submissions_receipt" ON "nominations"."intake_submissions" ("receipt_hash")`);
    await queryRunner.query(`CREATE INDEX "IDX_intake_submissions_review" ON "nominations"."intake_submissions" ("category_id", "status", "submitted_at")`);
  }

  async down(): Promise<void> {
    throw new Error('IntakeSubmissions17959200000000 is not reversible; restore from backup');
  }
}
