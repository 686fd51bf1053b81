import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource, IsNull, Not, type EntityManager } from 'typeorm';
import {
  audienceMotivation,
  audienceWinner,
  computeCommitment,
  DomainRefusal,
  generateSalt,
  STREAMS,
  voteRoot,
  type Actor,
  type CloseVoteCommand,
  type OpenVoteCommand,
  type VoteCombination,
  type VoteStatusQuery,
  type VoteWindowView,
} from '#contracts';
import { NatsBus, Outbox } from '#messaging';
import { contextLogger } from '#observability';
import { Tally } from '../ballots/vote.entity.js';
import { CeremoniesService } from '../ceremonies/ceremonies.service.js';
import { VoteCategory } from '../ceremonies/vote-ceremony.entity.js';
import { combinedDecision } from '../combined/combined-decision.js';
import { JuryPart } from '../combined/jury-part.entity.js';
import { VoteWindow } from './vote-window.entity.js';
import { endOf, sealableAt, stateOf } from './window-rules.js';

/** The durable consumer that counts the vote log (EventConsumer's name for it). */
export const VOTE_CONSUMER = `vote-${STREAMS.votes.name.toLowerCase()}`;
/** Roles that see turnout live: the crew and the stage; never the standings. */
const TURNOUT_ROLES = new Set(['admin', 'producer', 'screen', 'service']);
const TICK_MS = 250;

/**
 * A category's vote window: opened and closed by the producer (the close also comes by itself at the end of the
 * countdown), turnout published about once a second while open, and the seal once every vote that may count is
 * counted. Every change goes out through the outbox (`gala.events.vote.window`), the seal like a jury's.
 */
@Injectable()
export class WindowsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = contextLogger('VoteWindows');
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private readonly publishedTurnout = new Map<string, number>();
  private lastTurnoutAt = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly bus: NatsBus,
    private readonly ceremonies: CeremoniesService,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async open(command: OpenVoteCommand): Promise<VoteWindowView> {
    const { ceremony, category } = await this.ceremonies.votingCategory(command.ceremony, command.category);
    if (category.nominees.length < 2) throw new DomainRefusal('conflict', 'no ballot', `${category.name} needs at least two nominees before its vote opens`);
    return this.outbox.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`vote:${category.id}`]);
      const existing = await manager.findOne(VoteWindow, { where: { categoryId: category.id } });
      const now = new Date();
      if (existing) {
        // The same cue again (its key): the window it opened, whatever its state now; never a second window.
        if (command.idempotencyKey && existing.openKey === command.idempotencyKey) return this.view(existing, now, true, await this.turnout(manager, category.id));
        if (stateOf(existing, now) === 'open') return this.view(existing, now, true);
        throw new DomainRefusal('conflict', 'vote held', `the vote in ${category.name} has already been held`);
      }
      const window = manager.create(VoteWindow, {
        categoryId: category.id,
        ceremonyId: ceremony.id,
        openedAt: now,
        closesAt: new Date(now.getTime() + command.durationSeconds * 1000),
        openKey: command.idempotencyKey ?? null,
        closedAt: null,
        sealedAt: null,
      });
      await manager.insert(VoteWindow, window);
      const view = this.view(window, now, true, 0);
      await this.outbox.add(manager, 'gala.events.vote.window', ceremony.id, view);
      return view;
    });
  }

  async close(command: CloseVoteCommand): Promise<VoteWindowView> {
    const { category } = await this.ceremonies.votingCategory(command.ceremony, command.category);
    return this.outbox.transaction(async (manager) => {
      const window = await manager.findOne(VoteWindow, { where: { categoryId: category.id }, lock: { mode: 'pessimistic_write' } });
      if (!window) throw new DomainRefusal('conflict', 'vote not open', `the vote in ${category.name} has not opened`);
      const now = new Date();
      if (!window.closedAt) {
        window.closedAt = now < window.closesAt ? now : window.closesAt;
        await manager.update(VoteWindow, { categoryId: category.id }, { closedAt: window.closedAt });
        const view = this.view(window, now, true, await this.turnout(manager, category.id));
        await this.outbox.add(manager, 'gala.events.vote.window', window.ceremonyId, view);
        return view;
      }
      return this.view(window, now, true, await this.turnout(manager, category.id));
    });
  }

  async status(query: VoteStatusQuery, actor: Actor): Promise<VoteWindowView[]> {
    const ceremony = await this.ceremonies.ceremony(query.ceremony);
    const crew = TURNOUT_ROLES.has(actor.role);
    const categories = await this.dataSource.manager.find(VoteCategory, { where: { ceremonyId: ceremony.id, vote: Not(IsNull()) } });
    const windows = new Map((await this.dataSource.manager.find(VoteWindow, { where: { ceremonyId: ceremony.id } })).map((w) => [w.categoryId, w]));
    const now = new Date();
    const views: VoteWindowView[] = [];
    for (const c of categories) {
      const w = windows.get(c.id);
      if (!w) views.push({ ceremonyId: ceremony.id, categoryId: c.id, state: 'pending', openedAt: null, closesAt: null, turnout: crew ? 0 : null });
      else views.push(this.view(w, now, crew, crew ? await this.turnout(this.dataSource.manager, c.id) : null));
    }
    return views;
  }

  view(w: VoteWindow, now: Date, crew: boolean, turnout: number | null = null): VoteWindowView {
    return {
      ceremonyId: w.ceremonyId,
      categoryId: w.categoryId,
      state: stateOf(w, now),
      openedAt: w.openedAt.toISOString(),
      closesAt: endOf(w).toISOString(),
      turnout: crew ? turnout : null,
      ...(w.sealedAt ? { voteRoot: w.voteRoot, voteCount: w.voteCount } : {}),
    };
  }

  async turnout(manager: EntityManager, categoryId: string): Promise<number> {
    const rows: { n: string | null }[] = await manager.query(`SELECT sum(count) AS n FROM vote.tallies WHERE category_id = $1`, [categoryId]);
    return Number(rows[0]?.n ?? 0);
  }

  /** Auto-close at the countdown's end, turnout once a second while open, the seal once due and counted. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const now = new Date();
      const live = await this.dataSource.manager.find(VoteWindow, { where: { sealedAt: IsNull() } });
      for (const w of live) {
        if (!w.closedAt && now >= w.closesAt) await this.autoClose(w.categoryId);
        if (now >= sealableAt(w)) await this.trySeal(w.categoryId);
      }
      if (now.getTime() - this.lastTurnoutAt >= 1000) {
        this.lastTurnoutAt = now.getTime();
        for (const w of live.filter((x) => stateOf(x, now) === 'open' || !this.publishedTurnout.has(x.categoryId) || stateOf(x, now) === 'closed')) await this.publishTurnout(w, now);
      }
    } catch (error) {
      this.logger.warn(`vote window tick failed: ${(error as Error).message}; retrying`);
    } finally {
      this.ticking = false;
    }
  }

  private async autoClose(categoryId: string): Promise<void> {
    await this.outbox.transaction(async (manager) => {
      const w = await manager.findOne(VoteWindow, { where: { categoryId }, lock: { mode: 'pessimistic_write' } });
      if (!w || w.closedAt) return;
      w.closedAt = w.closesAt;
      await manager.update(VoteWindow, { categoryId }, { closedAt: w.closedAt });
      await this.outbox.add(manager, 'gala.events.vote.window', w.ceremonyId, this.view(w, new Date(), true, await this.turnout(manager, categoryId)));
    });
  }

  private async publishTurnout(w: VoteWindow, now: Date): Promise<void> {
    const turnout = await this.turnout(this.dataSource.manager, w.categoryId);
    if (this.publishedTurnout.get(w.categoryId) === turnout) return;
    await this.outbox.transaction((manager) => this.outbox.add(manager, 'gala.events.vote.window', w.ceremonyId, this.view(w, now, true, turnout)));
    this.publishedTurnout.set(w.categoryId, turnout);
  }

  /** Every vote in the log counted: nothing pending or unacknowledged on the counting consumer. */
  private async logCounted(): Promise<boolean> {
    try {
      const info = await this.bus.jsm.consumers.info(STREAMS.votes.name, VOTE_CONSUMER);
      return info.num_pending === 0 && info.num_ack_pending === 0;
    } catch {
      return false;
    }
  }

  /**
   * The seal: counts per nominee, the vote root over the accepted votes' receipts and the winner, committed as a
   * jury's verdict is (same commitment, same sealed and public events), under the window's row lock, so the
   * consumer counts no vote into it afterwards.
   */
  private async trySeal(categoryId: string): Promise<void> {
    if (!(await this.logCounted())) return;
    await this.outbox.transaction(async (manager) => {
      const w = await manager.findOne(VoteWindow, { where: { categoryId }, lock: { mode: 'pessimistic_write' } });
      if (!w || w.sealedAt || new Date() < sealableAt(w)) return;
      const category = await manager.findOneOrFail(VoteCategory, { where: { id: categoryId } });
      const ceremony = await this.ceremonies.ceremony(w.ceremonyId, manager);
      const counts: Record<string, number> = Object.fromEntries(category.nominees.map((n) => [n.id, 0]));
      for (const t of await manager.find(Tally, { where: { categoryId } })) counts[t.nomineeId] = t.count;
      const receipts: { receipt: string }[] = await manager.query(`SELECT receipt FROM vote.votes WHERE category_id = $1 AND accepted`, [categoryId]);
      const tree = voteRoot(receipts.map((r) => r.receipt));
      let decided: { winnerId: string; motivation: string; combination: VoteCombination | null };
      if (category.vote?.mode === 'combined') {
        // Jury and audience: the seal waits for the jury's sealed ranking (the jury may seal before, during or after the vote).
        const jury = await manager.findOne(JuryPart, { where: { categoryId } });
        if (!jury) {
          this.waitingForJury(categoryId);
          return;
        }
        decided = combinedDecision(category, jury, counts, category.vote.weights!, ceremony.locale);
      } else {
        const winnerId = audienceWinner(category.nominees, counts);
        decided = { winnerId, motivation: audienceMotivation(category.nominees.find((n) => n.id === winnerId)!, counts, winnerId, ceremony.locale), combination: null };
      }
      const { winnerId, motivation, combination } = decided;
      const salt = generateSalt();
      const commitment = computeCommitment({ categoryId, winnerId, motivation, salt });
      const sealedAt = new Date();
      const at = sealedAt.toISOString();
      await manager.update(VoteWindow, { categoryId }, { sealedAt, counts, voteRoot: tree.root, voteCount: tree.count, winnerId, motivation, salt, commitment, combination });
      Object.assign(w, { sealedAt, voteRoot: tree.root, voteCount: tree.count });
      await this.outbox.write(manager, [
        this.outbox.event('gala.events.vote.verdict.sealed', w.ceremonyId, { ceremonyId: w.ceremonyId, categoryId, commitment, sealedAt: at, ballotRoot: tree.root, ...(tree.count > 0 ? { ballotCount: tree.count } : {}) }),
        this.outbox.event('gala.sealed.vote.verdict', w.ceremonyId, { categoryId, winnerId, motivation, salt, commitment, sealedAt: at }),
        this.outbox.event('gala.events.vote.window', w.ceremonyId, this.view(w, sealedAt, true, tree.count)),
      ]);
      this.logger.log(`${combination ? 'combined verdict' : 'audience vote'} sealed: category ${categoryId}, ${tree.count} votes, root ${tree.root}`);
    });
  }

  private readonly juryAwaited = new Set<string>();

  /** Said once per category: a combined vote closed before its jury sealed. */
  private waitingForJury(categoryId: string): void {
    if (this.juryAwaited.has(categoryId)) return;
    this.juryAwaited.add(categoryId);
    this.logger.log(`combined category ${categoryId}: the audience vote is counted; its seal waits for the jury's`);
  }
}
