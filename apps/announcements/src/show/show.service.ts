import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  advanceClock,
  DomainRefusal,
  KV_BUCKETS,
  LaurelError,
  nomineeName,
  refusalKindOf,
  startClock,
  verifyCommitment,
  type CueCommand,
  type CueOperator,
  type CueResult,
  type SealContents,
  type SealedEvent,
  type ShowSnapshot,
  type StaleCueDetails,
} from '#contracts';
import { Outbox, type OutboxRow } from '#messaging';
import { traceHop } from '#observability';
import type { CeremonyReadModel } from '../ceremonies/ceremony-read-model.entity.js';
import { CeremoniesService } from '../ceremonies/ceremonies.service.js';
import { pressRelease } from '../press/press-release.js';
import { buildRunOfShow } from './run-of-show.js';
import { renderScene } from './scene-view.js';
import { plannedSegments, scenePlace } from './show-plan.js';
import { applyCue, currentScene, initialShowState } from './show-machine.js';
import { ShowStore, type ResultView } from './show-store.js';
import type { ShowMode } from './show.entity.js';

/** KV key of a show's snapshot: the ceremony id, suffixed for the rehearsal. */
export function snapshotKey(ceremonyId: string, mode: ShowMode): string {
  return mode === 'live' ? ceremonyId : `${ceremonyId}.rehearsal`;
}

/** The show of a ceremony: cues, its snapshot, the rehearsal reset and the KV re-put. */
@Injectable()
export class ShowService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly ceremonies: CeremoniesService,
    private readonly store: ShowStore,
  ) {}

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
      traceHop('cue.begun');
      const ceremony = await this.store.lock(manager, command.ceremony, mode);
      traceHop('cue.locked');
      const ceremonyId = ceremony.id;
      const held = await this.store.read(manager, ceremonyId, mode, command.idempotencyKey, command.action === 'reveal');
      traceHop('cue.read');
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
      if (!outcome.ok) throw new DomainRefusal(refusalKindOf(outcome.status), `cue ${command.action} refused`, outcome.reason);
      traceHop('cue.decided');

      const results = held.results;
      const seq = outcome.state.seq;
      const rows: OutboxRow[] = [];
      let revealed: ResultView | null = null;
      if (outcome.reveal) {
        revealed = this.openEnvelope(ceremony, held.envelopes, held.seals, outcome.reveal.categoryId, seq, now, mode);
        traceHop('cue.opened');
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
      traceHop('cue.rows-built');
      await this.store.write(manager, {
        ceremonyId,
        mode,
        state: outcome.state,
        scene,
        cue: { idempotencyKey: command.idempotencyKey, action: command.action, result },
        revealed: revealed && { view: revealed, at: now },
        rows,
      });
      traceHop('cue.written');
      return result;
    });
  }

  async snapshot(ref: string, mode: ShowMode = 'live'): Promise<ShowSnapshot> {
    const ceremony = await this.ceremonies.findCeremony(ref);
    const { show, results, seals } = await this.store.read(this.dataSource.manager, ceremony.id, mode);
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
    const shows = await this.store.shows();
    for (const { ceremonyId, mode } of shows) {
      await this.outbox.transaction(async (manager) => {
        await this.store.lock(manager, ceremonyId, mode);
        const { show, results, seals } = await this.store.read(manager, ceremonyId, mode);
        if (!show?.scene) return;
        const snapshot: ShowSnapshot = { ceremonyId, scene: show.scene, results, seals };
        await this.outbox.putKv(manager, KV_BUCKETS.show, snapshotKey(ceremonyId, mode), snapshot, randomUUID(), ceremonyId);
      });
    }
    return shows.length;
  }

  /**
   * Back to the start of the rehearsal: state and rehearsal results cleared, seq keeps growing (so
   * screens never mistake the reset for an old scene). The live show is untouched.
   */
  async resetRehearsal(ref: string): Promise<{ reset: true; seq: number }> {
    return this.outbox.transaction(async (manager) => {
      const mode: ShowMode = 'rehearsal';
      const ceremony = await this.store.lock(manager, ref, mode);
      const ceremonyId = ceremony.id;
      const { show } = await this.store.read(manager, ceremonyId, mode);
      const seq = (show?.state.seq ?? 0) + 1;
      const state = { ...initialShowState(), seq };
      const scene = renderScene(ceremony.view, currentScene(state, buildRunOfShow(ceremony.view)), [], seq, new Date(), true);
      scene.data.reset = true;
      scene.clock = startClock(ceremony.view.timing, plannedSegments(ceremony.view), scene.at);
      const rows = [
        this.outbox.event('gala.events.announcements.scene.changed', ceremonyId, scene),
        this.outbox.kv(KV_BUCKETS.show, snapshotKey(ceremonyId, mode), { ceremonyId, scene, results: [] } satisfies ShowSnapshot, randomUUID(), ceremonyId),
      ];
      await this.store.write(manager, { ceremonyId, mode, state, scene, clear: true, rows });
      return { reset: true as const, seq };
    });
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
