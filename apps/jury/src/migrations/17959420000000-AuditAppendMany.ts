import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Group commit of audit entries (issue 15, review locks at ≥ 500/s): `jury.audit_append` appends entries to a
 * ceremony's chain in one call, in order, each exactly as a single append does it: the head row locked, the
 * entry stamped (`at` from the database clock once the head is held), hashed (sha256 of its JCS text, whose
 * parts the service sends; see canonicalParts), inserted, and the head moved forward by one. The triggers of
 * RecordsAndReceipts (append-only log, each entry linked to the one before, the head forward one entry at a
 * time) are unchanged and check every entry of the loop. Returns nothing when the ceremony has no head yet.
 */
export class AuditAppendMany17959420000000 implements MigrationInterface {
  name = 'AuditAppendMany17959420000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION "jury"."audit_append"(
        p_ceremony uuid, p_actor text[], p_action text[], p_subject text[], p_data text[], p_before_at text[], p_before_prev_hash text[], p_after_seq text[])
      RETURNS TABLE (o_seq integer, o_at text, o_prev_hash text, o_hash text) LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        head_seq integer;
        head_hash text;
        stamp text;
        next_hash text;
      BEGIN
        SELECT h.seq, h.hash INTO head_seq, head_hash FROM "jury"."audit_heads" h WHERE h.ceremony_id = p_ceremony FOR UPDATE;
        IF NOT FOUND THEN RETURN; END IF;
        stamp := to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
        FOR i IN 1 .. coalesce(array_length(p_actor, 1), 0) LOOP
          next_hash := encode(sha256(convert_to(p_before_at[i] || stamp || p_before_prev_hash[i] || head_hash || '","seq":' || (head_seq + 1)::text || p_after_seq[i], 'UTF8')), 'hex');
          INSERT INTO "jury"."audit_log" (ceremony_id, seq, actor, action, subject, data, at, prev_hash, hash)
            VALUES (p_ceremony, head_seq + 1, p_actor[i], p_action[i], p_subject[i], p_data[i]::jsonb, stamp, head_hash, next_hash);
          UPDATE "jury"."audit_heads" h SET seq = head_seq + 1, hash = next_hash WHERE h.ceremony_id = p_ceremony;
          o_seq := head_seq + 1; o_at := stamp; o_prev_hash := head_hash; o_hash := next_hash;
          RETURN NEXT;
          head_seq := head_seq + 1;
          head_hash := next_hash;
        END LOOP;
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION "jury"."audit_append"(uuid, text[], text[], text[], text[], text[], text[], text[])`);
  }
}
