import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 16, vote cues: the key of the producer's `vote-open` cue that opened a window (a retried cue opens nothing). Expand only. */
export class VoteCueKey17959440000000 implements MigrationInterface {
  name = 'VoteCueKey17959440000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "vote"."windows" ADD "open_key" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "vote"."windows" DROP COLUMN "open_key"`);
  }
}
