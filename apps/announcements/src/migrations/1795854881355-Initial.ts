import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795854881355 implements MigrationInterface {
  name = 'Initial1795854881355';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "announcements"."outbox" ("position" BIGSERIAL NOT NULL, "id" uuid NOT NULL, "subject" character varying(300) NOT NULL, "kind" character varying(10) NOT NULL DEFAULT 'event', "ceremony_id" uuid, "payload" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_at" TIMESTAMP WITH TIME ZONE, "attempts" integer NOT NULL DEFAULT '0', "last_error" text, CONSTRAINT "UQ_340ab539f309f03bdaa14aa7649" UNIQUE ("id"), CONSTRAINT "PK_eaeb48f0dd30890d452d108804b" PRIMARY KEY ("position"))`);
    await queryRunner.query(`CREATE INDEX "outbox_unpublished" ON "announcements"."outbox"  ("position") WHERE published_at IS NULL`);
    await queryRunner.query(`CREATE TABLE "announcements"."processed_events" ("consumer" character varying(100) NOT NULL, "event_id" uuid NOT NULL, "processed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_270df9e0013dff41bb91d555db4" PRIMARY KEY ("consumer", "event_id"))`);
    await queryRunner.query(`CREATE TABLE "announcements"."parked_events" ("position" BIGSERIAL NOT NULL, "consumer" character varying(100) NOT NULL, "subject" character varying(300) NOT NULL, "stream_seq" bigint NOT NULL, "event_id" character varying(100), "payload" text NOT NULL, "error" text NOT NULL, "deliveries" integer NOT NULL, "parked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f607f7cdd3e990e60ac6e780215" PRIMARY KEY ("position"))`);
    await queryRunner.query(`CREATE TABLE "announcements"."ceremonies" ("id" uuid NOT NULL, "slug" character varying(80) NOT NULL, "view" jsonb NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6135eee2a988c516feec10c188e" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_7d56a98a589fce63d3e4577052" ON "announcements"."ceremonies"  ("slug") `);
    await queryRunner.query(`CREATE TABLE "announcements"."sealed_envelopes" ("category_id" uuid NOT NULL, "ceremony_id" uuid NOT NULL, "winner_id" uuid NOT NULL, "motivation" text NOT NULL, "salt" character(64) NOT NULL, "commitment" character(64) NOT NULL, "sealed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e682e7f5aa5aae65983c0ad558f" PRIMARY KEY ("category_id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_438f2c5a2f2e118290de6dda65" ON "announcements"."sealed_envelopes"  ("ceremony_id") `);
    await queryRunner.query(`CREATE TABLE "announcements"."public_seals" ("category_id" uuid NOT NULL, "ceremony_id" uuid NOT NULL, "commitment" character(64) NOT NULL, "sealed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_a311373f89289e836f873862ead" PRIMARY KEY ("category_id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_89819e1d8fcc27129ea35b4e57" ON "announcements"."public_seals"  ("ceremony_id") `);
    await queryRunner.query(`CREATE TABLE "announcements"."results" ("category_id" uuid NOT NULL, "mode" character varying(10) NOT NULL, "ceremony_id" uuid NOT NULL, "seq" integer NOT NULL, "view" jsonb NOT NULL, "revealed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_22c8ba9d97770ad2921f174e664" PRIMARY KEY ("category_id", "mode"))`);
    await queryRunner.query(`CREATE INDEX "IDX_dc83ae0a0a1b2f635150451ea4" ON "announcements"."results"  ("ceremony_id", "mode") `);
    await queryRunner.query(`CREATE TABLE "announcements"."shows" ("ceremony_id" uuid NOT NULL, "mode" character varying(10) NOT NULL, "state" jsonb NOT NULL, "scene" jsonb, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4798d553dbb1fbc505df904c282" PRIMARY KEY ("ceremony_id", "mode"))`);
    await queryRunner.query(`CREATE TABLE "announcements"."cues" ("ceremony_id" uuid NOT NULL, "mode" character varying(10) NOT NULL, "idempotency_key" character varying(200) NOT NULL, "action" character varying(10) NOT NULL, "result" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_67af6e646a7d4f9a685304250c7" PRIMARY KEY ("ceremony_id", "mode", "idempotency_key"))`);
  }

  async down(): Promise<void> {
    throw new Error('Initial1795854881355 is not reversible; restore from backup');
  }
}
