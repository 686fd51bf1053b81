import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  advanceClock,
  KV_BUCKETS,
  LaurelError,
  nomineeName,
  startClock,
  verifyCommitment,
  type Actor,
  type CueCommand,
  type CueOperator,
  type CueResult,
  type RevealedEvent,
  type SceneEvent,
  type SealContents,
  type SealedEvent,
  type ShowSnapshot,
  type StaleCueDetails,
} from '#contracts';
import { Outbox, type OutboxRow } from '#messaging';
import { CeremonyReadModel } from '../ceremonies/ceremony-read-model.entity.js';
import { RevealKey } from '../envelopes/reveal-key.entity.js';
import { PublicSeal, SealedEnvelope } from '../envelopes/sealed-envelope.entity.js';
import { Result } from '../results/result.entity.js';
import { buildRunOfShow } from '../show/run-of-show.js';
import { renderScene } from '../show/scene-view.js';
import { plannedSegments, scenePlace } from '../show/show-plan.js';
import { applyCue, currentScene, initialShowState, type ShowState } from '../show/show-machine.js';
import { CueRecord, Show, type ShowMode } from '../show/show.entity.js';
import { pressRelease, resultsCsv } from '../press/press-release.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type ResultView = Omit<RevealedEvent, 'showAt'>;

/** What a cue decides on, as `readShow` reads it. */
interface HeldShow {
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

function noCeremony(ref: string): LaurelError {
  return LaurelError.notFound(`no ceremony "${ref}" in the run of show (not imported yet?)`);
}

/** `schema.table` of an entity, for the hand-written statements of the cue path. */
function tableOf(manager: EntityManager, entity: new () => object): string {
  return manager.getRepository(entity).metadata.tablePath;
}

/** Who is cueing, as the scene records it: a producer token's label (else the start of its id), or "admin". */
export function operatorOf(actor: Actor): CueOperator | undefined {
  if (actor.role === 'admin') return { label: 'admin', role: 'admin' };
  if (actor.role !== 'producer') return undefined;
  return { label: actor.label?.trim() || `producer ${actor.tokenId?.slice(0, 8) ?? ''}`.trim(), role: 'producer' };
}

/** KV key of a show's snapshot: the ceremony id, suffixed for the rehearsal. */
export function snapshotKey(ceremonyId: string, mode: ShowMode): string {
  return mode === 'live' ? ceremonyId : `${ceremonyId}.rehearsal`;
}

@Injectable()
export class CuesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  async findCeremony(ref: string): Promise<CeremonyReadModel> {
    const row = await this.dataSource.manager.findOne(CeremonyReadModel, { where: UUID.test(ref) ? { id: ref } : { slug: ref } });
    if (!row) throw noCeremony(ref);
    return row;
  }

  /**
   * One cue, one transaction: the show's lock is taken, the state machine decides, and the scene change
   * (plus the reveal) goes out through the outbox with the next seq. The idempotency key makes a
   * repeated press return the first answer and emit nothing.
   *
   * This is the producer's path to every screen, so it costs four round trips to Postgres, whatever the
   * cue: BEGIN, the lock (with the ceremony), one read of everything the cue decides on, one write of
   * the show/result/cue rows and the outbox rows, COMMIT.
   */
  async cue(command: CueCommand, operator?: CueOperator): Promise<CueResult> {
    const mode: ShowMode = command.rehearsal ? 'rehearsal' : 'live';
    return this.outbox.transaction(async (manager) => {
      const ceremony = await this.lockShow(manager, command.ceremony, mode);
      const ceremonyId = ceremony.id;
      const held = await this.readShow(manager, ceremonyId, mode, command.idempotencyKey, command.action === 'reveal');
      // A retried key gets its first answer, even when the show has moved on since (expectedSeq is not checked again).
      if (held.previous) return held.previous;

      const state = held.show?.state ?? initialShowState();
      const runOfShow = buildRunOfShow(ceremony.view);
      // Checked under the show's lock, after every cue committed before it: of two presses that saw the
      // same seq, the second finds the seq moved and is refused; nothing is written for it.
      if (command.expectedSeq !== undefined && command.expectedSeq !== state.seq) {
        const current = held.show?.scene ?? renderScene(ceremony.view, currentScene(state, runOfShow), held.results, state.seq, ceremony.updatedAt, mode === 'rehearsal');
        const details: StaleCueDetails = { expectedSeq: command.expectedSeq, seq: state.seq, scene: current };
        throw LaurelError.conflict(`stale cue: the show is at seq ${state.seq}, not ${command.expectedSeq} (another operator cued first); ${command.action} was not applied`, details);
      }
      // A rehearsal never opens a real envelope: every category counts as sealed with rehearsal contents.
      const sealed = mode === 'rehearsal' ? new Set(ceremony.view.categories.map((c) => c.id)) : new Set(held.envelopes.map((e) => e.categoryId));
      const now = new Date();
      const outcome = applyCue(state, { action: command.action, categoryId: command.categoryId, scene: command.scene }, { ceremony: ceremony.view, runOfShow, sealed, now });
      if (!outcome.ok) throw new LaurelError(outcome.status, outcome.reason);

      const results = held.results;
      const seq = outcome.state.seq;
      const rows: OutboxRow[] = [];
      let revealed: ResultView | null = null;
      if (outcome.reveal) {
        revealed = this.openEnvelope(ceremony, held.envelopes, held.seals, outcome.reveal.categoryId, seq, now, mode);
        results.push(revealed);
        // The key goes out with the reveal (v2 clients open their envelope with it), never in the stored result.
        const key = held.keys?.[revealed.categoryId];
        rows.push(this.outbox.event('gala.events.announcements.winner.revealed', ceremonyId, key ? { ...revealed, key: Buffer.from(key, 'base64').toString('base64url') } : revealed));
      }
      const scene = renderScene(ceremony.view, outcome.scene, results, seq, now, mode === 'rehearsal');
      if (operator) scene.cuedBy = operator;
      // The clock runs on from the scene it replaces (none yet: a fresh clock for this run of show).
      const clock = held.show?.scene?.clock ?? startClock(ceremony.view.timing, plannedSegments(ceremony.view), scene.at);
      scene.clock = advanceClock(clock, scenePlace(ceremony.view, outcome.state, runOfShow), scene.at, ceremony.view.timing?.interlude ?? null);
      const result: CueResult = { seq, scene };
      rows.push(this.outbox.event('gala.events.announcements.scene.changed', ceremonyId, scene));
      const snapshot: ShowSnapshot = { ceremonyId, scene, results, seals: held.seals };
      rows.push(this.outbox.kv(KV_BUCKETS.show, snapshotKey(ceremonyId, mode), snapshot, randomUUID(), ceremonyId));
      await this.writeCue(manager, { ceremonyId, mode, state: outcome.state, scene, revealed, now, idempotencyKey: command.idempotencyKey, action: command.action, result, rows });
      return result;
    });
  }

  /** Resolves the ceremony and takes its show's lock (the one every writer of the show takes), in one statement. */
  private async lockShow(manager: EntityManager, ref: string, mode: ShowMode): Promise<Pick<CeremonyReadModel, 'id' | 'slug' | 'view' | 'updatedAt'>> {
    const rows: Pick<CeremonyReadModel, 'id' | 'slug' | 'view' | 'updatedAt'>[] = await manager.query(
      `SELECT c.id, c.slug, c.view, c.updated_at AS "updatedAt", pg_advisory_xact_lock(hashtext('show:' || c.id::text || ':' || $2::text)) AS locked
         FROM ${tableOf(manager, CeremonyReadModel)} c WHERE ${UUID.test(ref) ? 'c.id = $1::uuid' : 'c.slug = $1'}`,
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
  private async readShow(manager: EntityManager, ceremonyId: string, mode: ShowMode, idempotencyKey = '', withKeys = false): Promise<HeldShow> {
    const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    const [row]: [HeldShow] = await manager.query(
      `SELECT
         (SELECT result FROM ${tableOf(manager, CueRecord)} WHERE ceremony_id = $1 AND mode = $2 AND idempotency_key = $3) AS previous,
         (SELECT json_build_object('state', state, 'scene', scene) FROM ${tableOf(manager, Show)} WHERE ceremony_id = $1 AND mode = $2) AS show,
         (SELECT coalesce(json_agg(view ORDER BY seq), '[]'::json) FROM ${tableOf(manager, Result)} WHERE ceremony_id = $1 AND mode = $2) AS results,
         (SELECT coalesce(json_agg(json_build_object('categoryId', category_id, 'winnerId', winner_id, 'motivation', motivation, 'salt', salt, 'commitment', commitment)), '[]'::json)
            FROM ${tableOf(manager, SealedEnvelope)} WHERE ceremony_id = $1 AND $2 = 'live') AS envelopes,
         (SELECT coalesce(json_agg(json_strip_nulls(json_build_object('ceremonyId', ceremony_id, 'categoryId', category_id, 'commitment', commitment, 'sealedAt', ${iso('sealed_at')},
                   'auditHead', CASE WHEN audit_hash IS NULL THEN NULL ELSE json_build_object('hash', audit_hash, 'count', audit_count) END,
                   'ballotRoot', ballot_root, 'ballotCount', ballot_count)) ORDER BY sealed_at), '[]'::json)
            FROM ${tableOf(manager, PublicSeal)} WHERE ceremony_id = $1) AS seals,
         (SELECT json_object_agg(category_id, encode(key, 'base64')) FROM ${tableOf(manager, RevealKey)} WHERE ceremony_id = $1 AND $2 = 'live' AND $4) AS keys`,
      [ceremonyId, mode, idempotencyKey, withKeys],
    );
    return row;
  }

  /** The show's new state and scene, the result of a reveal, the cue's first answer and its outbox rows (in order), in one statement. */
  private async writeCue(
    manager: EntityManager,
    c: { ceremonyId: string; mode: ShowMode; state: ShowState; scene: SceneEvent; revealed: ResultView | null; now: Date; idempotencyKey: string; action: string; result: CueResult; rows: OutboxRow[] },
  ): Promise<void> {
    const params: unknown[] = [c.ceremonyId, c.mode, JSON.stringify(c.state), JSON.stringify(c.scene), c.idempotencyKey, c.action, JSON.stringify(c.result)];
    const parts = [
      `show AS (INSERT INTO ${tableOf(manager, Show)} (ceremony_id, mode, state, scene, updated_at) VALUES ($1, $2, $3::jsonb, $4::jsonb, now())
         ON CONFLICT (ceremony_id, mode) DO UPDATE SET state = EXCLUDED.state, scene = EXCLUDED.scene, updated_at = now())`,
      `cue AS (INSERT INTO ${tableOf(manager, CueRecord)} (ceremony_id, mode, idempotency_key, action, result) VALUES ($1, $2, $5, $6, $7::jsonb))`,
    ];
    if (c.revealed) {
      params.push(c.revealed.categoryId, c.revealed.seq, JSON.stringify(c.revealed), c.now);
      parts.push(`result AS (INSERT INTO ${tableOf(manager, Result)} (category_id, mode, ceremony_id, seq, view, revealed_at) VALUES ($8, $2, $1, $9, $10::jsonb, $11))`);
    }
    parts.push(`outbox AS (${this.outbox.insertStatement(manager, c.rows, params)})`);
    await manager.query(`WITH ${parts.join(',\n')} SELECT 1`, params);
    this.outbox.written(manager, c.rows);
  }

  async snapshot(ref: string, mode: ShowMode = 'live'): Promise<ShowSnapshot> {
    const ceremony = await this.findCeremony(ref);
    const { show, results, seals } = await this.readShow(this.dataSource.manager, ceremony.id, mode);
    let scene = show?.scene;
    if (!scene) {
      scene = renderScene(ceremony.view, currentScene(initialShowState(), buildRunOfShow(ceremony.view)), [], 0, ceremony.updatedAt, mode === 'rehearsal');
      scene.clock = startClock(ceremony.view.timing, plannedSegments(ceremony.view), scene.at);
    }
    return { ceremonyId: ceremony.id, scene, results, seals };
  }

  /**
   * Puts every show's current snapshot into the KV bucket again, from the `shows`/`results` tables
   * (after the JetStream store was lost). Through the outbox under the show's lock, so it is ordered
   * after any cue still waiting to be published and never overwritten by an older one.
   */
  async reputSnapshots(): Promise<number> {
    const shows = await this.dataSource.manager.find(Show, { select: { ceremonyId: true, mode: true } });
    for (const { ceremonyId, mode } of shows) {
      await this.outbox.transaction(async (manager) => {
        await this.lockShow(manager, ceremonyId, mode);
        const { show, results, seals } = await this.readShow(manager, ceremonyId, mode);
        if (!show?.scene) return;
        const snapshot: ShowSnapshot = { ceremonyId, scene: show.scene, results, seals };
        await this.outbox.putKv(manager, KV_BUCKETS.show, snapshotKey(ceremonyId, mode), snapshot, randomUUID(), ceremonyId);
      });
    }
    return shows.length;
  }

  async resultsCsv(ref: string): Promise<{ csv: string; filename: string }> {
    const ceremony = await this.findCeremony(ref);
    return { csv: resultsCsv(await this.results(ceremony.id)), filename: `${ceremony.slug}-results.csv` };
  }

  /**
   * Back to the start of the rehearsal: state and rehearsal results cleared, seq keeps growing (so
   * screens never mistake the reset for an old scene). The live show is untouched.
   */
  async resetRehearsal(ref: string): Promise<{ reset: true; seq: number }> {
    return this.outbox.transaction(async (manager) => {
      const mode: ShowMode = 'rehearsal';
      const ceremony = await this.lockShow(manager, ref, mode);
      const ceremonyId = ceremony.id;
      const show = await manager.findOne(Show, { where: { ceremonyId, mode } });
      const seq = (show?.state.seq ?? 0) + 1;
      const state = { ...initialShowState(), seq };
      const scene = renderScene(ceremony.view, currentScene(state, buildRunOfShow(ceremony.view)), [], seq, new Date(), true);
      scene.data.reset = true;
      scene.clock = startClock(ceremony.view.timing, plannedSegments(ceremony.view), scene.at);
      if (show) await manager.update(Show, { ceremonyId, mode }, { state, scene });
      else await manager.insert(Show, { ceremonyId, mode, state, scene });
      await manager.delete(Result, { ceremonyId, mode });
      await manager.delete(CueRecord, { ceremonyId, mode });
      await this.outbox.add(manager, 'gala.events.announcements.scene.changed', ceremonyId, scene);
      await this.outbox.putKv(manager, KV_BUCKETS.show, snapshotKey(ceremonyId, mode), { ceremonyId, scene, results: [] } satisfies ShowSnapshot, randomUUID(), ceremonyId);
      return { reset: true as const, seq };
    });
  }

  async results(ref: string): Promise<ResultView[]> {
    const ceremony = await this.findCeremony(ref);
    const rows = await this.dataSource.manager.find(Result, { where: { ceremonyId: ceremony.id, mode: 'live' }, order: { seq: 'ASC' } });
    return rows.map((r) => r.view);
  }





  private openEnvelope(
    ceremony: Pick<CeremonyReadModel, 'id' | 'view'>,
    envelopes: (SealContents & { commitment: string })[],
    seals: SealedEvent[],
    categoryId: string,
    seq: number,
    now: Date,
    mode: ShowMode,
  ): ResultView {
    const category = ceremony.view.categories.find((c) => c.id === categoryId);
    if (!category) throw LaurelError.notFound(`no category ${categoryId}`);
    const base = { ceremonyId: ceremony.id, seq, categoryId, category: { id: category.id, slug: category.slug, name: category.name }, revealedAt: now.toISOString() };
    if (mode === 'rehearsal') {
      const stand = category.nominees[0];
      const winner = stand
        ? { id: stand.id, slug: stand.slug, organisation: stand.organisation, title: stand.title, name: nomineeName(stand) }
        : { id: randomUUID(), slug: 'repetition', organisation: 'Repetition', title: null, name: 'Repetition' };
      return { ...base, winnerId: winner.id, winner, motivation: 'REPETITION – här visas juryns motivering under galan.', salt: '', commitment: '', rehearsal: true };
    }
    const envelope = envelopes.find((e) => e.categoryId === categoryId);
    if (!envelope) throw LaurelError.conflict(`${category.name}: the verdict is not sealed yet`);
    if (!verifyCommitment(envelope, envelope.commitment)) throw LaurelError.conflict(`${category.name}: the envelope does not match its commitment; not revealed`);
    const nominee = category.nominees.find((n) => n.id === envelope.winnerId);
    if (!nominee) throw LaurelError.conflict(`${category.name}: the sealed winner is not among the nominees the show knows`);
    // The anchor the reveal carries: the newest jury audit head of this ceremony's seals as read under the
    // show's lock (so: the head after the latest seal that reached announcements before this cue).
    const auditHead = seals.reduce<SealedEvent['auditHead']>((newest, s) => (s.auditHead && (!newest || s.auditHead.count > newest.count) ? s.auditHead : newest), undefined);
    const seal = seals.find((s) => s.categoryId === categoryId);
    return {
      ...(auditHead ? { auditHead: { hash: auditHead.hash, count: auditHead.count } } : {}),
      ...(seal?.ballotRoot && seal.ballotCount ? { ballotRoot: seal.ballotRoot, ballotCount: seal.ballotCount } : {}),
      pressRelease: pressRelease(ceremony.view, category, nominee, envelope.motivation, now),
      ...base,
      winnerId: nominee.id,
      winner: { id: nominee.id, slug: nominee.slug, organisation: nominee.organisation, title: nominee.title, name: nomineeName(nominee) },
      motivation: envelope.motivation,
      salt: envelope.salt,
      commitment: envelope.commitment,
      rehearsal: false,
    };
  }

}
