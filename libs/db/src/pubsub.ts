import pg from 'pg';

/** `fromSelf`: this process published it (a replica usually already acted on its own change). */
export type PubsubListener = (payload: string, fromSelf: boolean) => void;

/**
 * PostgreSQL LISTEN/NOTIFY between replicas. One dedicated connection listens; publishing uses
 * pg_notify on any connection. Channel names are plain identifiers chosen by the callers.
 */
export class Pubsub {
  private client?: pg.Client;
  private readonly listeners = new Map<string, Set<PubsubListener>>();
  private closed = false;

  constructor(private readonly url: string) {}

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (msg) => {
      // publish() notifies through this same connection, so its backend pid marks our own messages.
      const fromSelf = msg.processId === (client as unknown as { processID?: number }).processID;
      for (const fn of this.listeners.get(msg.channel) ?? []) fn(msg.payload ?? '', fromSelf);
    });
    // A broken listener connection is re-established; listeners keep their registrations.
    client.on('error', () => void this.reconnect());
    await client.connect();
    this.client = client;
    for (const channel of this.listeners.keys()) await client.query(`LISTEN ${quoteChannel(channel)}`);
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

  async publish(channel: string, payload: string): Promise<void> {
    if (!this.client) throw new Error('pubsub is not started');
    await this.client.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
  }

  private async reconnect(): Promise<void> {
    if (this.closed) return;
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        await this.start();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 5000)).unref());
      }
    }
  }
}

function quoteChannel(channel: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`invalid pubsub channel name: ${channel}`);
  return `"${channel}"`;
}
