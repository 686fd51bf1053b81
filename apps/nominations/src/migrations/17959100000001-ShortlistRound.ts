import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Expand only: the jury's screening round a published shortlist came from (issue 15); null when the organiser set it. */
export class ShortlistRound17959100000001 implements MigrationInterface {
  name = 'ShortlistRound17959100000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "nominations"."categories" ADD "shortlist_round_id" uuid`);
  }

  async down(): Promise<void> {
    throw new Error('ShortlistRound17959100000001 is not reversible; restore from backup');
  }
}
