import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795856442526 implements MigrationInterface {
  name = 'Initial1795856442526';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "jury"."outbox" ("position" BIGSERIAL NOT NULL, "id" uuid NOT NULL, "subject" character varying(300) NOT NULL, "kind" character varying(10) NOT NULL DEFAULT 'event', "ceremony_id" uuid, "payload" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_at" TIMESTAMP WITH TIME ZONE, "attempts" integer NOT NULL DEFAULT '0', "last_error" text, CONSTRAINT "UQ_340ab539f309f03bdaa14aa7649" UNIQUE ("id"), CONSTRAINT "PK_eaeb48f0dd30890d452d108804b" PRIMARY KEY ("position"))`);
    await queryRunner.query(`CREATE INDEX "outbox_unpublished" ON "jury"."outbox"  ("position") WHERE published_at IS NULL`);
    await queryRunner.query(`CREATE TABLE "jury"."processed_events" ("consumer" character varying(100) NOT NULL, "event_id" uuid NOT NULL, "processed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_270df9e0013dff41bb91d555db4" PRIMARY KEY ("consumer", "event_id"))`);
    await queryRunner.query(`CREATE TABLE "jury"."parked_events" ("position" BIGSERIAL NOT NULL, "consumer" character varying(100) NOT NULL, "subject" character varying(300) NOT NULL, "stream_seq" bigint NOT NULL, "event_id" character varying(100), "payload" text NOT NULL, "error" text NOT NULL, "deliveries" integer NOT NULL, "parked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f607f7cdd3e990e60ac6e780215" PRIMARY KEY ("position"))`);
    await queryRunner.query(`CREATE TABLE "jury"."audit_log" ("ceremony_id" uuid NOT NULL, "seq" integer NOT NULL, "actor" character varying(200) NOT NULL, "action" character varying(60) NOT NULL, "subject" character varying(200) NOT NULL, "data" jsonb NOT NULL, "at" character varying(40) NOT NULL, "prev_hash" character(64) NOT NULL, "hash" character(64) NOT NULL, CONSTRAINT "PK_6ccff98c5024b3eccb73ee5990d" PRIMARY KEY ("ceremony_id", "seq"))`);
    await queryRunner.query(`CREATE TABLE "jury"."audit_heads" ("ceremony_id" uuid NOT NULL, "seq" integer NOT NULL, "hash" character(64) NOT NULL, CONSTRAINT "PK_acd130414fcddcb53a3d39470b4" PRIMARY KEY ("ceremony_id"))`);
    await queryRunner.query(`CREATE TABLE "jury"."ballots" ("juror_id" uuid NOT NULL, "category_id" uuid NOT NULL, "ceremony_id" uuid NOT NULL, "scores" jsonb NOT NULL, "locked_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_120b62bce7bedfdccf97d408abd" PRIMARY KEY ("juror_id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_f3ca8e2e2d2c8ef9288d3dcc5c" ON "jury"."ballots"  ("category_id") `);
    await queryRunner.query(`CREATE TABLE "jury"."ceremonies" ("id" uuid NOT NULL, "slug" character varying(80) NOT NULL, CONSTRAINT "PK_6135eee2a988c516feec10c188e" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_7d56a98a589fce63d3e4577052" ON "jury"."ceremonies"  ("slug") `);
    await queryRunner.query(`CREATE TABLE "jury"."categories" ("id" uuid NOT NULL, "ceremony_id" uuid NOT NULL, "slug" character varying(80) NOT NULL, "name" character varying(300) NOT NULL, "criteria" jsonb NOT NULL, "nominees" jsonb NOT NULL, "quorum" integer, "frozen_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_24dbc6126a28ff948da33e97d3b" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "categories_ceremony_slug" ON "jury"."categories"  ("ceremony_id", "slug") `);
    await queryRunner.query(`CREATE TABLE "jury"."jurors" ("id" uuid NOT NULL, "ceremony_id" uuid NOT NULL, "category_id" uuid NOT NULL, "name" character varying(200) NOT NULL, "affiliation" character varying(300), "title" character varying(300), "chair" boolean NOT NULL DEFAULT false, "demo" boolean NOT NULL DEFAULT false, "position" integer NOT NULL DEFAULT '0', "source" character varying(10) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e7c67f95a3c2b97b3441359243d" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_c3ebf7630167dd2f563a976ef9" ON "jury"."jurors"  ("ceremony_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_b93fca0f3f7a6b40cc07bdbc4b" ON "jury"."jurors"  ("category_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "jurors_one_chair_per_panel" ON "jury"."jurors"  ("category_id") WHERE chair`);
    await queryRunner.query(`CREATE TABLE "jury"."conflicts" ("juror_id" uuid NOT NULL, "nominee_id" uuid NOT NULL, "category_id" uuid NOT NULL, "ceremony_id" uuid NOT NULL, "reason" text NOT NULL, "source" character varying(12) NOT NULL, "declared_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b25137bd92bb31cc0959479f2aa" PRIMARY KEY ("juror_id", "nominee_id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_9ffb1e34dd93914d297e10d560" ON "jury"."conflicts"  ("category_id") `);
    await queryRunner.query(`CREATE TABLE "jury"."verdicts" ("category_id" uuid NOT NULL, "ceremony_id" uuid NOT NULL, "winner_id" uuid NOT NULL, "ranking" jsonb NOT NULL, "motivation" text NOT NULL, "tie_break_winner_id" uuid, "computed_by" uuid NOT NULL, "computed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "salt" character(64), "commitment" character(64), "sealed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_8945a6f433f11cae9c9ac5d8c64" PRIMARY KEY ("category_id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_c41420d42ffb84e42096e84264" ON "jury"."verdicts"  ("ceremony_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_a12b9e197793ab37c6dd1ea4d0" ON "jury"."verdicts"  ("commitment") WHERE commitment IS NOT NULL`);
  }

  async down(): Promise<void> {
    throw new Error('Initial1795856442526 is not reversible; restore from backup');
  }
}
