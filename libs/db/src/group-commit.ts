/**
 * Group commit: callers add items and wait until the batch holding theirs is written. One batch is
 * written at a time; items that arrive meanwhile form the next one. An idle process writes each
 * item at once, a busy one many per statement, and a caller is answered only once its item is
 * stored. A failed write fails every caller of that batch.
 */
export class GroupCommit<T> {
  private queue: Array<{ item: T; done: () => void; failed: (err: unknown) => void }> = [];
  private writing?: Promise<void>;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxBatch: number,
    private readonly hooks: { written?: (n: number) => void; failed?: (n: number, err: unknown) => void } = {},
  ) {}

  add(item: T): Promise<void> {
    return new Promise<void>((done, failed) => {
      this.queue.push({ item, done, failed });
      this.writing ??= this.drain();
    });
  }

  /** Resolves once everything added so far has been written (or has failed). */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    // Items added in the same tick join the first batch too.
    await Promise.resolve();
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.write(batch.map((p) => p.item));
        this.hooks.written?.(batch.length);
        for (const p of batch) p.done();
      } catch (err) {
        this.hooks.failed?.(batch.length, err);
        for (const p of batch) p.failed(err);
      }
    }
    this.writing = undefined;
  }
}
