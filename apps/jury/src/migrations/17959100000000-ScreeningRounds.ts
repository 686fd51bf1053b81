import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Screening rounds (issue 15): rounds, their entries, the reviews the assignment creates, entry conflicts. Expand only. */
export class ScreeningRounds17959100000000 implements MigrationInterface {
  name = 'ScreeningRounds17959100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "jury"."rounds" ("id" uuid NOT NULL, "ceremony_id" uuid NOT NULL, "category_id" uuid NOT NULL, "kind" character varying(10) NOT NULL, "status" character varying(10) NOT NULL, "k" integer, "shortlist_size" integer, "min_nominees" integer, "max_nominees" integer, "adjustments" jsonb NOT NULL DEFAULT '[]', "frozen_entry_ids" jsonb, "frozen_at" TIMESTAMP WITH TIME ZONE, "source_round_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9d254884a20817016e2f877c7e7" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "rounds_category_kind" ON "jury"."rounds"  ("category_id", "kind") `);
    await queryRunner.query(`CREATE TABLE "jury"."round_entries" ("round_id" uuid NOT NULL, "entry_id" uuid NOT NULL, "position" integer NOT NULL, "organisation" character varying(300), "kind" character varying(60), "title" character varying(500), "description" text, CONSTRAINT "PK_cd3a718abbdc6687c9786727cac" PRIMARY KEY ("round_id", "entry_id"))`);
    await queryRunner.query(`CREATE TABLE "jury"."reviews" ("round_id" uuid NOT NULL, "entry_id" uuid NOT NULL, "juror_id" uuid NOT NULL, "scores" jsonb NOT NULL DEFAULT '{}', "locked_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_3137d2ee94445a997a2b57cdf5e" PRIMARY KEY ("round_id", "entry_id", "juror_id"))`);
    await queryRunner.query(`CREATE INDEX "reviews_round_juror" ON "jury"."reviews"  ("round_id", "juror_id") `);
    await queryRunner.query(`CREATE TABLE "jury"."entry_conflicts" ("round_id" uuid NOT NULL, "juror_id" uuid NOT NULL, "entry_id" uuid NOT NULL, "reason" text NOT NULL, "source" character varying(12) NOT NULL, "declared_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a15c3def5754b3eb430afb3dbd4" PRIMARY KEY ("round_id", "juror_id", "entry_id"))`);
  }

  async down(): Promise<void> {
    throw new Error('ScreeningRounds17959100000000 is not reversible; restore from backup');
  }
}
