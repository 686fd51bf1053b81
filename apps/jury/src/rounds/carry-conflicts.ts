import type { EntityManager } from 'typeorm';
import type { NomineeView } from '#contracts';
import { Conflict, type JuryCategory } from '../panels/panel.entities.js';
import { EntryConflict, Round, RoundEntry } from './round.entities.js';

/**
 * When a shortlist arrives that is the one a screening round froze, the conflicts jurors declared on its
 * entries become conflicts with the nominees those entries became (affiliation conflicts are flagged again
 * from the nominees anyway). Nominations lists the nominees in the frozen order; each pair is checked by
 * organisation and title, and nothing is carried when they do not all match. Returns the conflicts written.
 */
export async function carryEntryConflicts(manager: EntityManager, category: JuryCategory, nominees: readonly NomineeView[]): Promise<Conflict[]> {
  const screening = await manager.findOne(Round, { where: { categoryId: category.id, kind: 'screening' } });
  const frozen = screening?.frozenEntryIds;
  if (!screening || !frozen || frozen.length !== nominees.length) return [];
  const entries = await manager.find(RoundEntry, { where: { roundId: screening.id } });
  const byId = new Map(entries.map((e) => [e.entryId, e]));
  const same = (a: string | null | undefined, b: string | null | undefined) => (a ?? null) === (b ?? null);
  const matches = frozen.every((entryId, i) => {
    const entry = byId.get(entryId);
    return entry !== undefined && same(entry.organisation, nominees[i].organisation) && same(entry.title, nominees[i].title);
  });
  if (!matches) return [];
  const nomineeOf = new Map(frozen.map((entryId, i) => [entryId, nominees[i].id]));
  const declared = (await manager.find(EntryConflict, { where: { roundId: screening.id, source: 'declared' } })).filter((c) => nomineeOf.has(c.entryId));
  if (declared.length === 0) return [];
  const existing = new Set((await manager.find(Conflict, { where: { categoryId: category.id } })).map((c) => `${c.jurorId}/${c.nomineeId}`));
  const rows = declared
    .filter((c) => !existing.has(`${c.jurorId}/${nomineeOf.get(c.entryId)!}`))
    .map((c) =>
      manager.create(Conflict, {
        jurorId: c.jurorId,
        nomineeId: nomineeOf.get(c.entryId)!,
        categoryId: category.id,
        ceremonyId: category.ceremonyId,
        reason: `declared in the screening round: ${c.reason}`,
        source: 'declared' as const,
      }),
    );
  if (rows.length) await manager.save(rows);
  return rows;
}
