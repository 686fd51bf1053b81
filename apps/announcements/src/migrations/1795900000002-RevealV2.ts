import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Socket protocol v2 (docs/reveal-v2.md): envelope keys, the staged envelopes and each ceremony's envelope size. */
export class RevealV21795900000002 implements MigrationInterface {
  name = 'RevealV21795900000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "announcements"."reveal_keys" ("category_id" uuid NOT NULL, "ceremony_id" uuid NOT NULL, "key" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_reveal_keys" PRIMARY KEY ("category_id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_3baad3dad6f4f9c15d6ed63505" ON "announcements"."reveal_keys" ("ceremony_id") `);
    await queryRunner.query(`CREATE TABLE "announcements"."staged_envelopes" ("category_id" uuid NOT NULL, "ceremony_id" uuid NOT NULL, "commitment" character(64) NOT NULL, "sealed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "envelopes" jsonb NOT NULL, "staged_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_staged_envelopes" PRIMARY KEY ("category_id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_3193547d45d32855d814c61845" ON "announcements"."staged_envelopes" ("ceremony_id") `);
    await queryRunner.query(`CREATE TABLE "announcements"."envelope_sizes" ("ceremony_id" uuid NOT NULL, "audience" character varying(10) NOT NULL, "size" integer NOT NULL, CONSTRAINT "PK_envelope_sizes" PRIMARY KEY ("ceremony_id", "audience"))`);
  }

  async down(): Promise<void> {
    throw new Error('RevealV21795900000002 is not reversible; restore from backup');
  }
}
