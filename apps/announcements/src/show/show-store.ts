import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { CueResult, RevealedEvent, SceneEvent, SealContents, SealedEvent } from '#contracts';
import { Outbox, type OutboxRow } from '#messaging';
import { CeremonyReadModel } from '../ceremonies/ceremony-read-model.entity.js';
import { isCeremonyId, noCeremony } from '../ceremonies/ceremonies.service.js';
import { Result } from './result.entity.js';
import type { ShowState } from './show-machine.js';
import { CueRecord, Show, type ShowMode } from './show.entity.js';

export type ResultView = Omit<RevealedEvent, 'showAt'>;

/** What a cue decides on, as `read` reads it. */
export interface HeldShow {
  /** The first answer to this idempotency key, if it was pressed before. */
  previous: CueResult | null;
  show: { state: ShowState; scene: SceneEvent | null } | null;
  /** Revealed so far, in reveal order. */
  results: ResultView[];
  /** The sealed verdicts (live show only). */
  envelopes: (SealContents & { commitment: string })[];
  seals: SealedEvent[];
  /** Envelope keys by category id, base64 (socket protocol v2); read for reveal cues only. */
  keys: Record<string, string> | null;
}

/** One change of a show, written by `write` in one statement. */
export interface ShowChange {
  ceremonyId: string;
  mode: ShowMode;
  state: ShowState;
  scene: SceneEvent;
  /** The cue's idempotency key and first answer (none for a rehearsal reset). */
  cue?: { idempotencyKey: string; action: string; result: CueResult };
  /** The result a reveal opened. */
  revealed?: { view: ResultView; at: Date } | null;
  /** Drop the mode's results and cue answers (the rehearsal reset). */
  clear?: boolean;
  /** Outbox rows, in order. */
  rows: OutboxRow[];
}

type LockedCeremony = Pick<CeremonyReadModel, 'id' | 'slug' | 'view' | 'updatedAt'>;

/** `schema.table` of an entity, for the hand-written statements of the show. */
function tableOf(manager: EntityManager, entity: new () => object): string {
  return manager.getRepository(entity).metadata.tablePath;
}

/**
 * `schema.table` of a table of this service the show reads but does not own (the envelopes' tables), by its
 * SQL name, as the statements below name its columns: so show/ does not import envelopes/ (which builds on the show).
 */
function readTable(manager: EntityManager, tableName: string): string {
  const metadata = manager.connection.entityMetadatas.find((m) => m.tableName === tableName);
  if (!metadata) throw new Error(`no entity for table ${tableName}`);
  return metadata.tablePath;
}

/**
 * The show tables (`shows`, `cues`, `results`): every write goes through `write`, one statement under the
 * show's advisory lock (`lock`), with the outbox rows of the change.
 */
@Injectable()
export class ShowStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  /** Resolves the ceremony and takes its show's lock (the one every writer of the show takes), in one statement. */
  async lock(manager: EntityManager, ref: string, mode: ShowMode): Promise<LockedCeremony> {
    const rows: LockedCeremony[] = await manager.query(
      `SELECT c.id, c.slug, c.view, c.updated_at AS "updatedAt", pg_advisory_xact_lock(hashtext('show:' || c.id::text || ':' || $2::text)) AS locked
         FROM ${tableOf(manager, CeremonyReadModel)} c WHERE ${isCeremonyId(ref) ? 'c.id = $1::uuid' : 'c.slug = $1'}`,
      [ref, mode],
    );
    if (rows.length === 0) throw noCeremony(ref);
    return rows[0];
  }

  /**
   * Everything a cue decides on, read in one statement after the lock (so it sees every cue committed
   * before): the first answer to this idempotency key, the show, the results so far (in reveal order),
   * the sealed envelopes and the public seals.
   */
  async read(manager: EntityManager, ceremonyId: string, mode: ShowMode, idempotencyKey = '', withKeys = false): Promise<HeldShow> {
    const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    const [row]: [HeldShow] = await manager.query(
      `SELECT
         (SELECT result FROM ${tableOf(manager, CueRecord)} WHERE ceremony_id = $1 AND mode = $2 AND idempotency_key = $3) AS previous,
         (SELECT json_build_object('state', state, 'scene', scene) FROM ${tableOf(manager, Show)} WHERE ceremony_id = $1 AND mode = $2) AS show,
         (SELECT coalesce(json_agg(view ORDER BY seq), '[]'::json) FROM ${tableOf(manager, Result)} WHERE ceremony_id = $1 AND mode = $2) AS results,
         (SELECT coalesce(json_agg(json_build_object('categoryId', category_id, 'winnerId', winner_id, 'motivation', motivation, 'salt', salt, 'commitment', commitment)), '[]'::json)
            FROM ${readTable(manager, 'sealed_envelopes')} WHERE ceremony_id = $1 AND $2 = 'live') AS envelopes,
         (SELECT coalesce(json_agg(json_strip_nulls(json_build_object('ceremonyId', ceremony_id, 'categoryId', category_id, 'commitment', commitment, 'sealedAt', ${iso('sealed_at')},
                   'auditHead', CASE WHEN audit_hash IS NULL THEN NULL ELSE json_build_object('hash', audit_hash, 'count', audit_count) END,
                   'ballotRoot', ballot_root, 'ballotCount', ballot_count)) ORDER BY sealed_at), '[]'::json)
            FROM ${readTable(manager, 'public_seals')} WHERE ceremony_id = $1) AS seals,
         (SELECT json_object_agg(category_id, encode(key, 'base64')) FROM ${readTable(manager, 'reveal_keys')} WHERE ceremony_id = $1 AND $2 = 'live' AND $4) AS keys`,
      [ceremonyId, mode, idempotencyKey, withKeys],
    );
    return row;
  }

  /**
   * The one write of the show tables: the show's new state and scene, the cue's first answer, the result of a
   * reveal (or, for a rehearsal reset, the mode's results and answers dropped) and the outbox rows (in order),
   * in one statement. Call it under `lock`, in the transaction of `Outbox.transaction`.
   */
  async write(manager: EntityManager, c: ShowChange): Promise<void> {
    const params: unknown[] = [c.ceremonyId, c.mode, JSON.stringify(c.state), JSON.stringify(c.scene)];
    const parts = [
      `show AS (INSERT INTO ${tableOf(manager, Show)} (ceremony_id, mode, state, scene, updated_at) VALUES ($1, $2, $3::jsonb, $4::jsonb, now())
         ON CONFLICT (ceremony_id, mode) DO UPDATE SET state = EXCLUDED.state, scene = EXCLUDED.scene, updated_at = now())`,
    ];
    if (c.cue) {
      params.push(c.cue.idempotencyKey, c.cue.action, JSON.stringify(c.cue.result));
      const n = params.length;
      parts.push(`cue AS (INSERT INTO ${tableOf(manager, CueRecord)} (ceremony_id, mode, idempotency_key, action, result) VALUES ($1, $2, $${n - 2}, $${n - 1}, $${n}::jsonb))`);
    }
    if (c.revealed) {
      params.push(c.revealed.view.categoryId, c.revealed.view.seq, JSON.stringify(c.revealed.view), c.revealed.at);
      const n = params.length;
      parts.push(`result AS (INSERT INTO ${tableOf(manager, Result)} (category_id, mode, ceremony_id, seq, view, revealed_at) VALUES ($${n - 3}, $2, $1, $${n - 2}, $${n - 1}::jsonb, $${n}))`);
    }
    if (c.clear) {
      parts.push(`cleared_results AS (DELETE FROM ${tableOf(manager, Result)} WHERE ceremony_id = $1 AND mode = $2)`);
      parts.push(`cleared_cues AS (DELETE FROM ${tableOf(manager, CueRecord)} WHERE ceremony_id = $1 AND mode = $2)`);
    }
    if (c.rows.length > 0) parts.push(`outbox AS (${this.outbox.insertStatement(manager, c.rows, params)})`);
    await manager.query(`WITH ${parts.join(',\n')} SELECT 1`, params);
    this.outbox.written(manager, c.rows);
  }

  /** Every show there is (live and rehearsal), for the KV re-put. */
  async shows(): Promise<Pick<Show, 'ceremonyId' | 'mode'>[]> {
    return this.dataSource.manager.find(Show, { select: { ceremonyId: true, mode: true } });
  }

  /** The live show's results, in reveal order. */
  async liveResults(ceremonyId: string): Promise<ResultView[]> {
    const rows = await this.dataSource.manager.find(Result, { where: { ceremonyId, mode: 'live' }, order: { seq: 'ASC' } });
    return rows.map((r) => r.view);
  }

  /** Whether the live show revealed that category. */
  async revealed(categoryId: string): Promise<boolean> {
    return this.dataSource.manager.exists(Result, { where: { categoryId, mode: 'live' } });
  }
}
