import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { KV_BUCKETS, LaurelError, nomineeName, verifyCommitment, type CueCommand, type CueResult, type RevealedEvent, type ShowSnapshot } from '#contracts';
import { Outbox } from '#messaging';
import { CeremonyReadModel } from '../ceremonies/ceremony-read-model.entity.js';
import { PublicSeal, SealedEnvelope } from '../envelopes/sealed-envelope.entity.js';
import { Result } from '../results/result.entity.js';
import { buildRunOfShow } from '../show/run-of-show.js';
import { renderScene } from '../show/scene-view.js';
import { applyCue, currentScene, initialShowState } from '../show/show-machine.js';
import { CueRecord, Show, type ShowMode } from '../show/show.entity.js';
import { pressRelease, resultsCsv } from '../press/press-release.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type ResultView = Omit<RevealedEvent, 'showAt'>;

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

  async findCeremony(ref: string, manager: EntityManager = this.dataSource.manager): Promise<CeremonyReadModel> {
    const row = await manager.findOne(CeremonyReadModel, { where: UUID.test(ref) ? { id: ref } : { slug: ref } });
    if (!row) throw LaurelError.notFound(`no ceremony "${ref}" in the run of show (not imported yet?)`);
    return row;
  }

  /**
   * One cue, one transaction: the show row is locked, the state machine decides, and the scene change
   * (plus the reveal) goes out through the outbox with the next seq. The idempotency key makes a
   * repeated press return the first answer and emit nothing.
   */
  async cue(command: CueCommand): Promise<CueResult> {
    const mode: ShowMode = command.rehearsal ? 'rehearsal' : 'live';
    return this.outbox.transaction(async (manager) => {
      const ceremony = await this.findCeremony(command.ceremony, manager);
      const ceremonyId = ceremony.id;
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`show:${ceremonyId}:${mode}`]);
      const previous = await manager.findOne(CueRecord, { where: { ceremonyId, mode, idempotencyKey: command.idempotencyKey } });
      if (previous) return previous.result;

      let show = await manager.findOne(Show, { where: { ceremonyId, mode }, lock: { mode: 'pessimistic_write' } });
      if (!show) {
        show = Object.assign(new Show(), { ceremonyId, mode, state: initialShowState(), scene: null });
        await manager.insert(Show, show);
      }
      const runOfShow = buildRunOfShow(ceremony.view);
      const sealed = await this.sealedCategories(manager, ceremonyId, mode, ceremony);
      const now = new Date();
      const outcome = applyCue(show.state, { action: command.action, categoryId: command.categoryId, scene: command.scene }, { ceremony: ceremony.view, runOfShow, sealed, now });
      if (!outcome.ok) throw new LaurelError(outcome.status, outcome.reason);

      const results = await manager.find(Result, { where: { ceremonyId, mode }, order: { seq: 'ASC' } });
      const seq = outcome.state.seq;
      if (outcome.reveal) {
        const view = await this.openEnvelope(manager, ceremony, outcome.reveal.categoryId, seq, now, mode);
        await manager.insert(Result, { categoryId: view.categoryId, mode, ceremonyId, seq, view, revealedAt: now });
        results.push(Object.assign(new Result(), { categoryId: view.categoryId, mode, ceremonyId, seq, view, revealedAt: now }));
        await this.outbox.add(manager, 'gala.events.announcements.winner.revealed', ceremonyId, view);
      }
      const scene = renderScene(ceremony.view, outcome.scene, results.map((r) => r.view), seq, now, mode === 'rehearsal');
      await manager.update(Show, { ceremonyId, mode }, { state: outcome.state, scene });
      await this.outbox.add(manager, 'gala.events.announcements.scene.changed', ceremonyId, scene);
      const snapshot: ShowSnapshot = { ceremonyId, scene, results: results.map((r) => r.view), seals: await this.seals(manager, ceremonyId) };
      await this.outbox.putKv(manager, KV_BUCKETS.show, snapshotKey(ceremonyId, mode), snapshot, randomUUID(), ceremonyId);
      const result: CueResult = { seq, scene };
      await manager.insert(CueRecord, { ceremonyId, mode, idempotencyKey: command.idempotencyKey, action: command.action, result });
      return result;
    });
  }

  async snapshot(ref: string, mode: ShowMode = 'live'): Promise<ShowSnapshot> {
    const ceremony = await this.findCeremony(ref);
    const show = await this.dataSource.manager.findOne(Show, { where: { ceremonyId: ceremony.id, mode } });
    const results = await this.dataSource.manager.find(Result, { where: { ceremonyId: ceremony.id, mode }, order: { seq: 'ASC' } });
    const scene =
      show?.scene ?? renderScene(ceremony.view, currentScene(initialShowState(), buildRunOfShow(ceremony.view)), [], 0, ceremony.updatedAt, mode === 'rehearsal');
    return { ceremonyId: ceremony.id, scene, results: results.map((r) => r.view), seals: await this.seals(this.dataSource.manager, ceremony.id) };
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
        await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`show:${ceremonyId}:${mode}`]);
        const show = await manager.findOne(Show, { where: { ceremonyId, mode } });
        if (!show?.scene) return;
        const results = await manager.find(Result, { where: { ceremonyId, mode }, order: { seq: 'ASC' } });
        const snapshot: ShowSnapshot = { ceremonyId, scene: show.scene, results: results.map((r) => r.view), seals: await this.seals(manager, ceremonyId) };
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
      const ceremony = await this.findCeremony(ref, manager);
      const ceremonyId = ceremony.id;
      const mode: ShowMode = 'rehearsal';
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`show:${ceremonyId}:${mode}`]);
      const show = await manager.findOne(Show, { where: { ceremonyId, mode }, lock: { mode: 'pessimistic_write' } });
      const seq = (show?.state.seq ?? 0) + 1;
      const state = { ...initialShowState(), seq };
      const scene = renderScene(ceremony.view, currentScene(state, buildRunOfShow(ceremony.view)), [], seq, new Date(), true);
      scene.data.reset = true;
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

  private async seals(manager: EntityManager, ceremonyId: string) {
    const rows = await manager.find(PublicSeal, { where: { ceremonyId }, order: { sealedAt: 'ASC' } });
    return rows.map((r) => ({ ceremonyId, categoryId: r.categoryId, commitment: r.commitment, sealedAt: r.sealedAt.toISOString() }));
  }

  private async sealedCategories(manager: EntityManager, ceremonyId: string, mode: ShowMode, ceremony: CeremonyReadModel): Promise<Set<string>> {
    // A rehearsal never opens a real envelope: every category counts as sealed with rehearsal contents.
    if (mode === 'rehearsal') return new Set(ceremony.view.categories.map((c) => c.id));
    const rows = await manager.find(SealedEnvelope, { where: { ceremonyId }, select: { categoryId: true } });
    return new Set(rows.map((r) => r.categoryId));
  }

  private async openEnvelope(manager: EntityManager, ceremony: CeremonyReadModel, categoryId: string, seq: number, now: Date, mode: ShowMode): Promise<ResultView> {
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
    const envelope = await manager.findOne(SealedEnvelope, { where: { categoryId } });
    if (!envelope) throw LaurelError.conflict(`${category.name}: the verdict is not sealed yet`);
    if (!verifyCommitment(envelope, envelope.commitment)) throw LaurelError.conflict(`${category.name}: the envelope does not match its commitment; not revealed`);
    const nominee = category.nominees.find((n) => n.id === envelope.winnerId);
    if (!nominee) throw LaurelError.conflict(`${category.name}: the sealed winner is not among the nominees the show knows`);
    return {
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
