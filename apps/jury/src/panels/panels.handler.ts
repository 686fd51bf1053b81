import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EventData, EventEnvelope } from '#contracts';
import { OnEvent, type EventContext } from '#messaging';
import { AuditLog } from '../audit/audit-log.service.js';
import { JuryCategory, JuryCeremony, Juror } from './panel.entities.js';
import { PanelsService } from './panels.service.js';
import { carryEntryConflicts } from '../rounds/carry-conflicts.js';

/** Builds the jury's read model of ceremonies and categories, and the panels the ceremony file names. */
@Injectable()
export class PanelsHandler {
  constructor(
    private readonly panels: PanelsService,
    private readonly audit: AuditLog,
  ) {}

  @OnEvent('gala.events.nominations.ceremony.imported')
  async onImported(event: EventEnvelope<EventData<'gala.events.nominations.ceremony.imported'>>, { manager }: EventContext): Promise<void> {
    const { ceremony, categories, jury } = event.data;
    await manager.upsert(JuryCeremony, { id: ceremony.id, slug: ceremony.slug }, ['id']);
    // Every panel row first, the audit chain after: the same lock order as the commands (panel, then audit).
    const audits: (() => Promise<void>)[] = [];
    for (const view of categories) {
      const existing = await manager.findOne(JuryCategory, { where: { id: view.id }, lock: { mode: 'pessimistic_write' } });
      const category = manager.create(JuryCategory, {
        id: view.id,
        ceremonyId: ceremony.id,
        slug: view.slug,
        name: view.name,
        criteria: view.criteria.map((c) => ({ key: c.key, label: c.label, weight: c.weight ?? 1 })),
        nominees: view.nominees,
        quorum: view.quorum ?? null,
        vote: view.vote ?? null,
        frozenAt: existing?.frozenAt ?? null,
      });
      await manager.save(category);

      // The file's panel is created once; later changes to a panel go through the audited commands.
      const fileJurors = await manager.count(Juror, { where: { categoryId: view.id, source: 'file' } });
      const members = jury[view.id] ?? [];
      let jurors: Juror[] = [];
      if (fileJurors === 0 && members.length > 0) {
        const hasChair = (await manager.count(Juror, { where: { categoryId: view.id, chair: true } })) > 0;
        let chairTaken = hasChair;
        jurors = members.map((m, position) => {
          const chair = m.chair && !chairTaken; // one chair per panel: the first the file names
          if (chair) chairTaken = true;
          return manager.create(Juror, {
            id: randomUUID(),
            ceremonyId: ceremony.id,
            categoryId: view.id,
            name: m.name,
            affiliation: m.affiliation ?? null,
            title: m.title ?? null,
            chair,
            demo: false,
            source: 'file' as const,
            position,
          });
        });
        await manager.save(jurors);
      }
      const all = await manager.find(Juror, { where: { categoryId: view.id } });
      const flagged = await this.panels.flagAffiliations(manager, category, all);
      const state = await this.panels.stateOf(manager, { id: ceremony.id, slug: ceremony.slug }, category);
      audits.push(async () => {
        await this.audit.append(manager, ceremony.id, 'system', existing ? 'category.updated' : 'panel.created', `category:${view.id}`, {
          eventId: event.id,
          nominees: view.nominees.map((n) => n.id),
          criteria: category.criteria.map((c) => ({ key: c.key, weight: c.weight })),
          quorum: category.quorum,
          jurors: jurors.map((j) => ({ id: j.id, name: j.name, affiliation: j.affiliation, chair: j.chair })),
          flaggedConflicts: flagged.map((c) => ({ jurorId: c.jurorId, nomineeId: c.nomineeId, reason: c.reason })),
        });
        await this.panels.publishProgress(manager, state);
      });
    }
    for (const write of audits) await write();
  }

  @OnEvent('gala.events.nominations.shortlist.published')
  async onShortlist(event: EventEnvelope<EventData<'gala.events.nominations.shortlist.published'>>, { manager }: EventContext): Promise<void> {
    const category = await manager.findOne(JuryCategory, { where: { id: event.data.categoryId }, lock: { mode: 'pessimistic_write' } });
    if (!category) throw new Error(`shortlist for unknown category ${event.data.categoryId}; will retry`);
    category.nominees = event.data.nominees;
    await manager.save(category);
    const jurors = await manager.find(Juror, { where: { categoryId: category.id } });
    // A shortlist frozen by a screening round: conflicts declared on its entries hold for their nominees.
    const carried = await carryEntryConflicts(manager, category, category.nominees);
    const flagged = await this.panels.flagAffiliations(manager, category, jurors);
    const ceremony = await this.panels.ceremony(manager, category.ceremonyId);
    await this.panels.publishProgress(manager, await this.panels.stateOf(manager, ceremony, category));
    await this.audit.append(manager, category.ceremonyId, 'system', 'shortlist.received', `category:${category.id}`, {
      eventId: event.id,
      nominees: category.nominees.map((n) => n.id),
      flaggedConflicts: flagged.map((c) => ({ jurorId: c.jurorId, nomineeId: c.nomineeId, reason: c.reason })),
      ...(carried.length ? { carriedConflicts: carried.map((c) => ({ jurorId: c.jurorId, nomineeId: c.nomineeId, reason: c.reason })) } : {}),
    });
  }
}
