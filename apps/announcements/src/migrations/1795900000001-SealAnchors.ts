import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit head and ballot root each public seal carries, so reveals and results can carry them on. */
export class SealAnchors1795900000001 implements MigrationInterface {
  name = 'SealAnchors1795900000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "announcements"."public_seals" ADD "audit_hash" character(64)`);
    await queryRunner.query(`ALTER TABLE "announcements"."public_seals" ADD "audit_count" integer`);
    await queryRunner.query(`ALTER TABLE "announcements"."public_seals" ADD "ballot_root" character(64)`);
    await queryRunner.query(`ALTER TABLE "announcements"."public_seals" ADD "ballot_count" integer`);
  }

  async down(): Promise<void> {
    throw new Error('SealAnchors1795900000001 is not reversible; restore from backup');
  }
}
