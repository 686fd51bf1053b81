import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tamper-evident records (issue 10, items 3–4): the audit log becomes append-only in the database, its head
 * only moves forward one entry at a time, and ballots, verdicts and categories get what receipts, the ballot
 * root and the post-reveal proofs need. The triggers bind the service's own role too (triggers fire for the
 * table's owner); only DDL (dropping or disabling them, which the service never issues) or a superuser gets
 * past them, and the audit head published outside the database catches that.
 */
export class RecordsAndReceipts1795900000000 implements MigrationInterface {
  name = 'RecordsAndReceipts1795900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "jury"."ballots" ADD "salt" character(64)`);
    await queryRunner.query(`ALTER TABLE "jury"."ballots" ADD "receipt" character(64)`);
    await queryRunner.query(`ALTER TABLE "jury"."verdicts" ADD "ballot_root" character(64)`);
    await queryRunner.query(`ALTER TABLE "jury"."verdicts" ADD "ballot_count" integer`);
    await queryRunner.query(`ALTER TABLE "jury"."categories" ADD "revealed_at" TIMESTAMP WITH TIME ZONE`);

    await queryRunner.query(`CREATE FUNCTION "jury"."audit_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the jury audit log is append-only: % on %.% refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege',
                HINT = 'audit entries are never changed or removed; record a correction as a new entry';
      END $$`);
    // Statement level: even an UPDATE or DELETE that matches no row is refused, so nobody can probe with one.
    await queryRunner.query(`CREATE TRIGGER "audit_log_append_only" BEFORE UPDATE OR DELETE OR TRUNCATE ON "jury"."audit_log" FOR EACH STATEMENT EXECUTE FUNCTION "jury"."audit_log_append_only"()`);

    // Every new entry links to the one before it (or starts the chain): a forked or spliced row is refused at insert.
    await queryRunner.query(`CREATE FUNCTION "jury"."audit_log_linked"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.seq = 1 AND NEW.prev_hash = repeat('0', 64) THEN RETURN NEW; END IF;
        IF EXISTS (SELECT 1 FROM "jury"."audit_log" WHERE ceremony_id = NEW.ceremony_id AND seq = NEW.seq - 1 AND hash = NEW.prev_hash) THEN RETURN NEW; END IF;
        RAISE EXCEPTION 'jury audit entry % of ceremony % does not link to entry %', NEW.seq, NEW.ceremony_id, NEW.seq - 1
          USING ERRCODE = 'integrity_constraint_violation';
      END $$`);
    await queryRunner.query(`CREATE TRIGGER "audit_log_linked" BEFORE INSERT ON "jury"."audit_log" FOR EACH ROW EXECUTE FUNCTION "jury"."audit_log_linked"()`);

    // The head (last seq and hash per ceremony) moves forward one entry per append and is never removed.
    await queryRunner.query(`CREATE FUNCTION "jury"."audit_head_forward_only"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND NEW.ceremony_id = OLD.ceremony_id AND NEW.seq = OLD.seq + 1 THEN RETURN NEW; END IF;
        RAISE EXCEPTION 'the jury audit head only moves forward one entry at a time: % on %.% refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(`CREATE TRIGGER "audit_head_forward_only" BEFORE UPDATE OR DELETE ON "jury"."audit_heads" FOR EACH ROW EXECUTE FUNCTION "jury"."audit_head_forward_only"()`);
    await queryRunner.query(`CREATE TRIGGER "audit_head_no_truncate" BEFORE TRUNCATE ON "jury"."audit_heads" FOR EACH STATEMENT EXECUTE FUNCTION "jury"."audit_log_append_only"()`);
  }

  async down(): Promise<void> {
    throw new Error('RecordsAndReceipts1795900000000 is not reversible; restore from backup');
  }
}
