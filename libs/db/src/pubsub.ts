import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** `fromSelf`: this process published it (a replica usually already acted on its own change). */
export type PubsubListener = (payload: string, fromSelf: boolean) => void;

const BARRIER_CHANNEL = 'coderd_pubsub_barrier';
/** A barrier never holds a response longer than this, even when the listener connection is stuck. */
const BARRIER_TIMEOUT_MS = 2_000;

/**
 * PostgreSQL LISTEN/NOTIFY between replicas. One dedicated connection listens; publishing uses
 * pg_notify on any connection (triggers notify from inside the transaction that made a change).
 * Channel names are plain identifiers chosen by the callers.
 */
export class Pubsub {
  private client?: pg.Client;
  private readonly listeners = new Map<string, Set<PubsubListener>>();
  private readonly reconnectHooks = new Set<() => void>();
  private readonly barriers = new Map<string, () => void>();
  private closed = false;
  private reconnecting = false;

  constructor(private readonly url: string) {}

  async start(): Promise<void> {
    // Named, so that operators can tell the listener apart in pg_stat_activity.
    const client = new pg.Client({ connectionString: this.url, application_name: 'coderd-pubsub' });
    client.on('notification', (msg) => {
      // publish() notifies through this same connection, so its backend pid marks our own messages.
      const fromSelf = msg.processId === (client as unknown as { processID?: number }).processID;
      if (msg.channel === BARRIER_CHANNEL) {
        if (fromSelf) this.release(msg.payload ?? '');
        return;
      }
      for (const fn of this.listeners.get(msg.channel) ?? []) fn(msg.payload ?? '', fromSelf);
    });
    // A broken listener connection is re-established; listeners keep their registrations.
    client.on('error', () => void this.reconnect());
    await client.connect();
    this.client = client;
    try {
      for (const channel of [BARRIER_CHANNEL, ...this.listeners.keys()]) await client.query(`LISTEN ${quoteChannel(channel)}`);
    } catch (err) {
      this.client = undefined;
      await client.end().catch(() => undefined);
      throw err;
    }
  }

  async subscribe(channel: string, fn: PubsubListener): Promise<() => void> {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await this.client?.query(`LISTEN ${quoteChannel(channel)}`);
    }
    set.add(fn);
    return () => set.delete(fn);
  }

  /**
   * Called after the listener connection was lost and made again: whatever was published meanwhile
   * never arrived, so anything cached on the strength of notifications must be dropped.
   */
  onReconnect(fn: () => void): () => void {
    this.reconnectHooks.add(fn);
    return () => this.reconnectHooks.delete(fn);
  }

  async publish(channel: string, payload: string): Promise<void> {
    if (!this.client) throw new Error('pubsub is not started');
    await this.client.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  /**
   * Resolves once every notification committed before the call has been delivered to this
   * process's listeners. PostgreSQL delivers notifications in commit order, so receiving a sentinel
   * sent now means everything committed earlier has been received. A replica awaits this before
   * answering a change, so that its own caches already reflect what the database's triggers
   * announced (a change's effects on other replicas arrive at the same moment, from the same queue).
   */
  async barrier(): Promise<void> {
    if (!this.client || this.closed) return;
    const token = randomUUID();
    const released = new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.release(token), BARRIER_TIMEOUT_MS);
      timer.unref();
      this.barriers.set(token, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    try {
      await this.publish(BARRIER_CHANNEL, token);
    } catch {
      this.release(token);
    }
    await released;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const token of [...this.barriers.keys()]) this.release(token);
    await this.client?.end().catch(() => undefined);
  }

  private release(token: string): void {
    const done = this.barriers.get(token);
    this.barriers.delete(token);
    done?.();
  }

  private async reconnect(): Promise<void> {
    if (this.closed || this.reconnecting) return;
    this.reconnecting = true;
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
    // Their sentinels went down with the connection.
    for (const token of [...this.barriers.keys()]) this.release(token);
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        await this.start();
        this.reconnecting = false;
        for (const fn of this.reconnectHooks) fn();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 5000)).unref());
      }
    }
    this.reconnecting = false;
  }
}

function quoteChannel(channel: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`invalid pubsub channel name: ${channel}`);
  return `"${channel}"`;
}
