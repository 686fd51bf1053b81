import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795854760970 implements MigrationInterface {
  name = 'Initial1795854760970';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "nominations"."outbox" ("position" BIGSERIAL NOT NULL, "id" uuid NOT NULL, "subject" character varying(300) NOT NULL, "kind" character varying(10) NOT NULL DEFAULT 'event', "ceremony_id" uuid, "payload" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_at" TIMESTAMP WITH TIME ZONE, "attempts" integer NOT NULL DEFAULT '0', "last_error" text, CONSTRAINT "UQ_340ab539f309f03bdaa14aa7649" UNIQUE ("id"), CONSTRAINT "PK_eaeb48f0dd30890d452d108804b" PRIMARY KEY ("position"))`);
    await queryRunner.query(`CREATE INDEX "outbox_unpublished" ON "nominations"."outbox"  ("position") WHERE published_at IS NULL`);
    await queryRunner.query(`CREATE TABLE "nominations"."processed_events" ("consumer" character varying(100) NOT NULL, "event_id" uuid NOT NULL, "processed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_270df9e0013dff41bb91d555db4" PRIMARY KEY ("consumer", "event_id"))`);
    await queryRunner.query(`CREATE TABLE "nominations"."parked_events" ("position" BIGSERIAL NOT NULL, "consumer" character varying(100) NOT NULL, "subject" character varying(300) NOT NULL, "stream_seq" bigint NOT NULL, "event_id" character varying(100), "payload" text NOT NULL, "error" text NOT NULL, "deliveries" integer NOT NULL, "parked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f607f7cdd3e990e60ac6e780215" PRIMARY KEY ("position"))`);
    await queryRunner.query(`CREATE TABLE "nominations"."access_tokens" ("id" uuid NOT NULL, "ceremony_id" uuid NOT NULL, "token_hash" character(64) NOT NULL, "role" character varying(20) NOT NULL, "juror_id" uuid, "label" character varying(120), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_65140f59763ff994a0252488166" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_9bbf8c3c1a897742f78d50e729" ON "nominations"."access_tokens"  ("token_hash") `);
    await queryRunner.query(`CREATE TABLE "nominations"."categories" ("id" uuid NOT NULL, "ceremony_id" uuid NOT NULL, "slug" character varying(80) NOT NULL, "name" character varying(300) NOT NULL, "stage_order" integer NOT NULL, "description" text, "theme" character varying(300), "eligibility" text, "eligible_kinds" jsonb NOT NULL DEFAULT '[]', "prize" jsonb, "presenter" character varying(300), "criteria" jsonb NOT NULL DEFAULT '[]', "nominees_count" integer, "min_nominees" integer, "max_nominees" integer, "entries_received" integer, "quorum" integer, "jury" jsonb NOT NULL DEFAULT '[]', "notes" jsonb NOT NULL DEFAULT '{}', "shortlist_published_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_24dbc6126a28ff948da33e97d3b" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_95bd8a822cc038b7b1f278f3db" ON "nominations"."categories"  ("ceremony_id", "slug") `);
    await queryRunner.query(`CREATE TABLE "nominations"."ceremonies" ("id" uuid NOT NULL, "slug" character varying(80) NOT NULL, "name" character varying(300) NOT NULL, "header" jsonb NOT NULL, "about" text, "source_file" jsonb NOT NULL, "run_of_show" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6135eee2a988c516feec10c188e" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_7d56a98a589fce63d3e4577052" ON "nominations"."ceremonies"  ("slug") `);
    await queryRunner.query(`CREATE TABLE "nominations"."nominees" ("id" uuid NOT NULL, "ceremony_id" uuid NOT NULL, "category_id" uuid NOT NULL, "slug" character varying(80) NOT NULL, "organisation" character varying(300), "kind" character varying(60), "title" character varying(500), "pronunciation" character varying(300), "position" integer NOT NULL, CONSTRAINT "PK_95bea8d75c23afade5aef834a7b" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_161da5461c52e2657f6586ea07" ON "nominations"."nominees"  ("category_id", "slug") `);
  }

  async down(): Promise<void> {
    throw new Error('Initial1795854760970 is not reversible; restore from backup');
  }
}
