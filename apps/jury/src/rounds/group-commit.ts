import { AsyncResource } from 'node:async_hooks';

/** One item's outcome in a batch: its value, or the error its caller gets. */
export type Outcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

/**
 * Group commit: items submitted while a batch is being written wait and go together in the next one, so
 * a burst costs one transaction (and one hold of whatever it serializes on) per batch instead of per item.
 * A lone item goes at once (no waiting for company). One batch at a time per instance.
 *
 * `run` decides each item on its own (a refused item does not sink the others). A batch that fails as a whole
 * (a database error) is retried item by item, so one item cannot fail the others; a lone item's error is its own.
 */
export class GroupCommit<I, O> {
  private readonly queue: { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];
  private running = false;
  /** Batches run outside any one caller's async context (correlation id, collected writes), in this one's. */
  private readonly detached = AsyncResource.bind((fn: () => void) => fn());

  constructor(
    private readonly run: (items: I[]) => Promise<Outcome<O>[]>,
    private readonly maxBatch = 128,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) this.detached(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        const outcomes = await this.settle(batch.map((b) => b.item));
        batch.forEach((b, i) => {
          const outcome = outcomes[i];
          if (outcome.ok) b.resolve(outcome.value);
          else b.reject(outcome.error);
        });
      }
    } finally {
      this.running = false;
    }
  }

  private async settle(items: I[]): Promise<Outcome<O>[]> {
    try {
      const outcomes = await this.run(items);
      if (outcomes.length !== items.length) throw new Error(`group commit: ${outcomes.length} outcomes for ${items.length} items`);
      return outcomes;
    } catch (error) {
      if (items.length === 1) return [{ ok: false, error }];
      const alone: Outcome<O>[] = [];
      for (const item of items) alone.push(...(await this.settle([item])));
      return alone;
    }
  }
}
