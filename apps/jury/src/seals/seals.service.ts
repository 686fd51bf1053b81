import { Injectable } from '@nestjs/common';
import { LaurelError, type Actor, type SealCommand, type SealResult } from '#contracts';
import { AuditLog } from '../audit/audit-log.service.js';
import { Outbox } from '#messaging';
import { callingChair } from '../panels/panel-state.js';
import { PanelsService } from '../panels/panels.service.js';
import { rankingRows, rankPanel } from '../verdicts/verdicts.service.js';
import { Verdict } from '../verdicts/verdict.entity.js';
import { sealVerdict } from './commitment.js';

/**
 * Seals: the chair commits to the verdict. Under the panel lock, so two seals at once produce one
 * commitment (the second gets the first's). The public commitment, the sealed contents (private
 * subject) and the progress go out through the outbox in the same transaction as the seal.
 */
@Injectable()
export class SealsService {
  constructor(
    private readonly panels: PanelsService,
    private readonly audit: AuditLog,
    private readonly outbox: Outbox,
  ) {}

  async seal(command: SealCommand, actor: Actor): Promise<SealResult> {
    return this.panels.transaction(async (manager) => {
      const state = await this.panels.panel(manager, actor, command.ceremony, command.category, { lock: true });
      callingChair(state, actor);
      const verdict = state.verdict;
      if (verdict?.sealedAt && verdict.commitment) return { commitment: verdict.commitment, sealedAt: verdict.sealedAt.toISOString() };
      if (!verdict) throw LaurelError.conflict('compute the verdict (with the motivation) before sealing');

      // Ballots may have been reopened or locked since the verdict was computed: seal only what still holds
      // (same winner; the stored ranking is refreshed to the ballots as sealed).
      const current = rankPanel(state, verdict.tieBreakWinnerId ?? undefined);
      if (current.winnerId !== verdict.winnerId) throw LaurelError.conflict('the ballots changed since the verdict was computed: compute it again before sealing');

      const sealed = sealVerdict({ categoryId: state.category.id, winnerId: verdict.winnerId, motivation: verdict.motivation });
      const sealedAt = new Date();
      const updated = await manager
        .createQueryBuilder()
        .update(Verdict)
        .set({ salt: sealed.salt, commitment: sealed.commitment, sealedAt, motivation: sealed.motivation, ranking: rankingRows(current) })
        .where('category_id = :id AND sealed_at IS NULL', { id: state.category.id })
        .execute();
      if (updated.affected !== 1) throw LaurelError.conflict('the verdict was sealed meanwhile');

      const at = sealedAt.toISOString();
      const ceremonyId = state.ceremony.id;
      const categoryId = state.category.id;
      await this.outbox.add(manager, 'gala.events.jury.verdict.sealed', ceremonyId, { ceremonyId, categoryId, commitment: sealed.commitment, sealedAt: at });
      await this.outbox.add(manager, 'gala.sealed.jury.verdict', ceremonyId, {
        categoryId,
        winnerId: sealed.winnerId,
        motivation: sealed.motivation,
        salt: sealed.salt,
        commitment: sealed.commitment,
        sealedAt: at,
      });
      await this.panels.publishProgress(manager, { ...state, verdict: { ...verdict, sealedAt, commitment: sealed.commitment } });
      await this.audit.append(manager, ceremonyId, actor, 'verdict.sealed', `category:${state.category.id}`, { commitment: sealed.commitment, sealedAt: at });
      return { commitment: sealed.commitment, sealedAt: at };
    });
  }
}
