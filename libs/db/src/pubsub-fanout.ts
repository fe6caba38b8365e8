import type { Pubsub } from './pubsub.js';

/**
 * One pubsub channel whose payload names a key (an agent id, say), fanned out to the watchers of
 * that key in this process. After the listener reconnects every watcher is woken, since
 * announcements may have been lost meanwhile.
 */
export class PubsubFanout {
  private readonly watchers = new Map<string, Set<() => void>>();

  static async start(pubsub: Pubsub, channel: string): Promise<PubsubFanout> {
    const fanout = new PubsubFanout();
    await pubsub.subscribe(channel, (key) => fanout.wake(key));
    pubsub.onReconnect(() => {
      for (const set of fanout.watchers.values()) for (const fn of set) fn();
    });
    return fanout;
  }

  /** Calls `fn` whenever `key` is announced; answers the unwatch function. */
  watch(key: string, fn: () => void): () => void {
    const set = this.watchers.get(key) ?? new Set();
    this.watchers.set(key, set);
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.watchers.delete(key);
    };
  }

  private wake(key: string): void {
    for (const fn of this.watchers.get(key) ?? []) fn();
  }
}
