import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The admin grant is an access_tokens row without a ceremony or an expiry (nominations owns the admin token). */
export class AdminGrant1795860000000 implements MigrationInterface {
  name = 'AdminGrant1795860000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "nominations"."access_tokens" ALTER COLUMN "ceremony_id" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "nominations"."access_tokens" ALTER COLUMN "expires_at" DROP NOT NULL`);
  }

  async down(): Promise<void> {
    throw new Error('AdminGrant1795860000000 is not reversible; restore from backup');
  }
}
