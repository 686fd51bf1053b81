import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { LaurelError, type Actor } from '#contracts';
import { Outbox, type OutboxRow } from '#messaging';
import { Ballot } from '../ballots/ballot.entity.js';
import { Verdict } from '../verdicts/verdict.entity.js';
import { affiliationConflicts } from './affiliation.js';
import { Conflict, JuryCategory, JuryCeremony, Juror } from './panel.entities.js';
import { assertJuryRole, progressOf, type PanelState } from './panel-state.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Finds and locks panels, and writes what every panel change shares: progress events and flagged conflicts. */
@Injectable()
export class PanelsService {
  constructor(
    readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  /** A mutating unit of work: one transaction whose events the relay publishes after commit. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.outbox.transaction(work);
  }

  async ceremony(manager: EntityManager, ref: string): Promise<JuryCeremony> {
    const ceremony = await manager.findOne(JuryCeremony, { where: UUID.test(ref) ? [{ id: ref }, { slug: ref }] : { slug: ref } });
    if (!ceremony) throw LaurelError.notFound(`no ceremony ${ref} is known to the jury`);
    return ceremony;
  }

  /**
   * Loads a category's whole panel. With `lock`, the category row is taken FOR UPDATE first: that is the
   * panel lock every change goes through, so locks, reopenings, verdicts and seals of a panel are serialized.
   */
  async panel(manager: EntityManager, actor: Actor, ceremonyRef: string, categoryRef: string, { lock }: { lock: boolean }): Promise<PanelState> {
    assertJuryRole(actor);
    const ceremony = await this.ceremony(manager, ceremonyRef);
    const where = UUID.test(categoryRef) ? [{ ceremonyId: ceremony.id, id: categoryRef }, { ceremonyId: ceremony.id, slug: categoryRef }] : { ceremonyId: ceremony.id, slug: categoryRef };
    const category = await manager.findOne(JuryCategory, { where, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!category) throw LaurelError.notFound(`no category ${categoryRef} in ceremony ${ceremony.slug}`);
    return this.stateOf(manager, ceremony, category);
  }

  async stateOf(manager: EntityManager, ceremony: JuryCeremony, category: JuryCategory): Promise<PanelState> {
    // One connection per transaction: sequential queries, not Promise.all.
    const jurors = await manager.find(Juror, { where: { categoryId: category.id }, order: { position: 'ASC', id: 'ASC' } });
    const conflicts = await manager.find(Conflict, { where: { categoryId: category.id } });
    const ballots = await manager.find(Ballot, { where: { categoryId: category.id } });
    const verdict = await manager.findOne(Verdict, { where: { categoryId: category.id } });
    return { ceremony, category, jurors, conflicts, ballots, verdict };
  }

  /** Emits the panel's progress (counts only) through the outbox, in the caller's transaction. */
  async publishProgress(manager: EntityManager, state: PanelState): Promise<void> {
    await this.outbox.write(manager, [this.progressRow(state)]);
  }

  /** The progress event as an outbox row, for a caller that writes it in its own statement. */
  progressRow(state: PanelState): OutboxRow {
    return this.outbox.event('gala.events.jury.progress', state.ceremony.id, progressOf(state));
  }

  /** Flags (idempotently) every juror–nominee pair of the panel whose affiliation is the nominee's organisation. */
  async flagAffiliations(manager: EntityManager, category: JuryCategory, jurors: readonly Juror[]): Promise<Conflict[]> {
    const found = affiliationConflicts(jurors, category.nominees);
    if (found.length === 0) return [];
    const existing = await manager.find(Conflict, { where: { jurorId: In(found.map((f) => f.jurorId)) } });
    const known = new Set(existing.map((c) => `${c.jurorId}/${c.nomineeId}`));
    const fresh = found.filter((f) => !known.has(`${f.jurorId}/${f.nomineeId}`));
    const rows = fresh.map((f) => manager.create(Conflict, { ...f, categoryId: category.id, ceremonyId: category.ceremonyId, source: 'affiliation' as const }));
    if (rows.length) await manager.save(rows);
    return rows;
  }
}
