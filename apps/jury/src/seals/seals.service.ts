import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ballotRoot, computeReceipt, generateSalt, LaurelError, type Actor, type SealCommand, type SealResult } from '#contracts';
import { anchorOf, AuditLog } from '../audit/audit-log.service.js';
import { Outbox } from '#messaging';
import { Ballot } from '../ballots/ballot.entity.js';
import { callingChair, type PanelState } from '../panels/panel-state.js';
import { PanelsService } from '../panels/panels.service.js';
import { rankingRows, rankPanel } from '../verdicts/verdicts.service.js';
import { Verdict } from '../verdicts/verdict.entity.js';
import { sealVerdict } from './commitment.js';

/**
 * Seals: the chair commits to the verdict. Under the panel lock, so two seals at once produce one
 * commitment (the second gets the first's). The public commitment (with the ballot root and the audit
 * head right after the seal's own audit entry), the sealed contents (private subject) and the progress go
 * out through the outbox in the same transaction as the seal, written with the audit entry in one statement.
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
      if (verdict?.sealedAt && verdict.commitment) {
        return { commitment: verdict.commitment, sealedAt: verdict.sealedAt.toISOString(), ...(verdict.ballotRoot ? { ballotRoot: verdict.ballotRoot, ballotCount: verdict.ballotCount ?? 0 } : {}) };
      }
      if (!verdict) throw LaurelError.conflict('compute the verdict (with the motivation) before sealing');

      // Ballots may have been reopened or locked since the verdict was computed: seal only what still holds
      // (same winner; the stored ranking is refreshed to the ballots as sealed).
      const current = rankPanel(state, verdict.tieBreakWinnerId ?? undefined);
      if (current.winnerId !== verdict.winnerId) throw LaurelError.conflict('the ballots changed since the verdict was computed: compute it again before sealing');

      const sealed = sealVerdict({ categoryId: state.category.id, winnerId: verdict.winnerId, motivation: verdict.motivation });
      const ballots = await this.ballotTree(manager, state);
      const sealedAt = new Date();
      const updated = await manager
        .createQueryBuilder()
        .update(Verdict)
        .set({ salt: sealed.salt, commitment: sealed.commitment, sealedAt, motivation: sealed.motivation, ranking: rankingRows(current), ballotRoot: ballots.root, ballotCount: ballots.count })
        .where('category_id = :id AND sealed_at IS NULL', { id: state.category.id })
        .execute();
      if (updated.affected !== 1) throw LaurelError.conflict('the verdict was sealed meanwhile');

      const at = sealedAt.toISOString();
      const ceremonyId = state.ceremony.id;
      const categoryId = state.category.id;
      const after = { ...state, verdict: { ...verdict, sealedAt, commitment: sealed.commitment } };
      const combined = state.category.vote?.mode === 'combined';
      const entry = await this.audit.append(
        manager,
        ceremonyId,
        actor,
        'verdict.sealed',
        `category:${categoryId}`,
        { commitment: sealed.commitment, sealedAt: at, ballotRoot: ballots.root, ballotCount: ballots.count, ...(combined ? { combinedWith: 'audience' } : {}) },
        (e) =>
          combined
            ? [
                // Jury and audience combined (issue 16): the jury's part goes to the vote service only, which seals
                // and publishes the category's one verdict; no jury result of it is staged or revealed on its own.
                this.outbox.event('gala.sealed.jury.ranking', ceremonyId, {
                  ceremonyId,
                  categoryId,
                  winnerId: sealed.winnerId,
                  ranking: rankingRows(current),
                  commitment: sealed.commitment,
                  sealedAt: at,
                  ballotRoot: ballots.root,
                  ballotCount: ballots.count,
                  auditHead: anchorOf(e),
                }),
                this.panels.progressRow(after),
              ]
            : [
                this.outbox.event('gala.events.jury.verdict.sealed', ceremonyId, { ceremonyId, categoryId, commitment: sealed.commitment, sealedAt: at, auditHead: anchorOf(e), ballotRoot: ballots.root, ballotCount: ballots.count }),
                this.outbox.event('gala.sealed.jury.verdict', ceremonyId, {
                  categoryId,
                  winnerId: sealed.winnerId,
                  motivation: sealed.motivation,
                  salt: sealed.salt,
                  commitment: sealed.commitment,
                  sealedAt: at,
                }),
                this.panels.progressRow(after),
              ],
      );
      return { commitment: sealed.commitment, sealedAt: at, ballotRoot: ballots.root, ballotCount: ballots.count, auditHead: anchorOf(entry) };
    });
  }

  /**
   * The root over the receipts of the panel's locked ballots. A ballot locked before receipts existed gets
   * its salt and receipt now, so the tree always holds every ballot the seal counts (its juror then reads
   * the receipt from their ballot).
   */
  private async ballotTree(manager: EntityManager, state: PanelState): Promise<{ root: string; count: number }> {
    const panel = new Set(state.jurors.map((j) => j.id));
    const locked = state.ballots.filter((b) => b.lockedAt !== null && panel.has(b.jurorId));
    for (const ballot of locked.filter((b) => !b.receipt || !b.salt)) {
      const salt = generateSalt();
      const receipt = computeReceipt({ categoryId: state.category.id, jurorId: ballot.jurorId, scores: ballot.scores, salt });
      Object.assign(ballot, { salt, receipt });
      await manager.update(Ballot, { jurorId: ballot.jurorId }, { salt, receipt });
    }
    return ballotRoot(locked.map((b) => ({ jurorId: b.jurorId, receipt: b.receipt! })));
  }
}
