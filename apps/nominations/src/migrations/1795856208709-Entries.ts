import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Entries1795856208709 implements MigrationInterface {
  name = 'Entries1795856208709';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "nominations"."entries" ("id" uuid NOT NULL, "ceremony_id" uuid NOT NULL, "category_id" uuid NOT NULL, "external_id" character varying(120), "natural_key" character varying(820) NOT NULL, "organisation" character varying(300), "kind" character varying(60), "title" character varying(500), "description" text, "contact_name" character varying(200), "contact_email" character varying(254), "contact_phone" character varying(40), "source" character varying(10) NOT NULL, "source_row" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_23d4e7e9b58d9939f113832915b" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_a896cb71e5469d3c3576aa3db6" ON "nominations"."entries"  ("category_id", "external_id") WHERE "external_id" IS NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_2d2a8e99c1dda5b66ca860012d" ON "nominations"."entries"  ("category_id", "natural_key") `);
    await queryRunner.query(`ALTER TABLE "nominations"."nominees" ADD "entry_id" uuid`);
  }

  async down(): Promise<void> {
    throw new Error('Entries1795856208709 is not reversible; restore from backup');
  }
}
