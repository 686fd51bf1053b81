import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Expand only: where JetStream stored each published outbox row (stream, seq), for the relay's check of a
 * lost stream tail. Nullable and unread by the previous release, so both run against this schema.
 */
export class OutboxStreamSeq1795900000002 implements MigrationInterface {
  name = 'OutboxStreamSeq1795900000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "nominations"."outbox" ADD "stream" character varying(64)`);
    await queryRunner.query(`ALTER TABLE "nominations"."outbox" ADD "stream_seq" bigint`);
  }

  async down(): Promise<void> {
    throw new Error('OutboxStreamSeq1795900000002 is not reversible; restore from backup');
  }
}
