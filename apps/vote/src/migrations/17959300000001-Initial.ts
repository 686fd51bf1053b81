import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial17959300000001 implements MigrationInterface {
  name = 'Initial17959300000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "vote"."outbox" ("position" BIGSERIAL NOT NULL, "id" uuid NOT NULL, "subject" character varying(300) NOT NULL, "kind" character varying(10) NOT NULL DEFAULT 'event', "ceremony_id" uuid, "payload" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_at" TIMESTAMP WITH TIME ZONE, "attempts" integer NOT NULL DEFAULT '0', "last_error" text, "stream" character varying(64), "stream_seq" bigint, CONSTRAINT "UQ_340ab539f309f03bdaa14aa7649" UNIQUE ("id"), CONSTRAINT "PK_eaeb48f0dd30890d452d108804b" PRIMARY KEY ("position"))`);
    await queryRunner.query(`CREATE INDEX "outbox_unpublished" ON "vote"."outbox"  ("position") WHERE published_at IS NULL`);
    await queryRunner.query(`CREATE TABLE "vote"."processed_events" ("consumer" character varying(100) NOT NULL, "event_id" uuid NOT NULL, "processed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_270df9e0013dff41bb91d555db4" PRIMARY KEY ("consumer", "event_id"))`);
    await queryRunner.query(`CREATE TABLE "vote"."parked_events" ("position" BIGSERIAL NOT NULL, "consumer" character varying(100) NOT NULL, "subject" character varying(300) NOT NULL, "stream_seq" bigint NOT NULL, "event_id" character varying(100), "payload" text NOT NULL, "error" text NOT NULL, "deliveries" integer NOT NULL, "parked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f607f7cdd3e990e60ac6e780215" PRIMARY KEY ("position"))`);
    await queryRunner.query(`CREATE TABLE "vote"."votes" ("id" uuid NOT NULL, "ceremony_id" uuid NOT NULL, "category_id" uuid NOT NULL, "ticket_hash" character(64) NOT NULL, "nominee_id" uuid NOT NULL, "salt" character(64) NOT NULL, "receipt" character(64) NOT NULL, "cast_at" TIMESTAMP WITH TIME ZONE NOT NULL, "stream_seq" bigint NOT NULL, "accepted" boolean NOT NULL, "reason" character varying(60), CONSTRAINT "PK_f3d9fd4a0af865152c3f59db8ff" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_036c6ed00d30f467d8c4d1926d" ON "vote"."votes"  ("receipt") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "votes_one_per_ticket" ON "vote"."votes"  ("category_id", "ticket_hash") `);
    await queryRunner.query(`CREATE TABLE "vote"."tallies" ("category_id" uuid NOT NULL, "nominee_id" uuid NOT NULL, "count" integer NOT NULL, CONSTRAINT "PK_599f81fb62d045823e8fb1731b6" PRIMARY KEY ("category_id", "nominee_id"))`);
    await queryRunner.query(`CREATE TABLE "vote"."ceremonies" ("id" uuid NOT NULL, "slug" character varying(80) NOT NULL, "locale" character varying(20) NOT NULL DEFAULT 'sv-SE', CONSTRAINT "PK_6135eee2a988c516feec10c188e" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_7d56a98a589fce63d3e4577052" ON "vote"."ceremonies"  ("slug") `);
    await queryRunner.query(`CREATE TABLE "vote"."categories" ("id" uuid NOT NULL, "ceremony_id" uuid NOT NULL, "slug" character varying(80) NOT NULL, "name" character varying(300) NOT NULL, "vote" jsonb, "nominees" jsonb NOT NULL, CONSTRAINT "PK_24dbc6126a28ff948da33e97d3b" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "vote_categories_ceremony_slug" ON "vote"."categories"  ("ceremony_id", "slug") `);
    await queryRunner.query(`CREATE TABLE "vote"."tickets" ("id" uuid NOT NULL, "ceremony_id" uuid NOT NULL, "token_hash" character(64) NOT NULL, "batch_id" uuid NOT NULL, "label" character varying(120), "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_343bc942ae261cf7a1377f48fd0" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_c9e769ad549114c0eb5516ad2d" ON "vote"."tickets"  ("ceremony_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_5e588ff5835f820e1ed2e90527" ON "vote"."tickets"  ("token_hash") `);
    await queryRunner.query(`CREATE TABLE "vote"."windows" ("category_id" uuid NOT NULL, "ceremony_id" uuid NOT NULL, "opened_at" TIMESTAMP WITH TIME ZONE NOT NULL, "closes_at" TIMESTAMP WITH TIME ZONE NOT NULL, "closed_at" TIMESTAMP WITH TIME ZONE, "sealed_at" TIMESTAMP WITH TIME ZONE, "counts" jsonb, "vote_root" character(64), "vote_count" integer, "winner_id" uuid, "motivation" text, "salt" character(64), "commitment" character(64), "revealed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_1668e4b385f6e3bc515d6dba283" PRIMARY KEY ("category_id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_2b6cc23eea30357f70f60fe9e0" ON "vote"."windows"  ("ceremony_id") `);
  }

  async down(): Promise<void> {
    throw new Error('Initial17959300000001 is not reversible; restore from backup');
  }
}
