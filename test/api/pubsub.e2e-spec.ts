import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Pubsub } from '#db/pubsub.js';
import { api, createFirstUser } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

type Message = { payload: string; fromSelf: boolean };

/** Subscribes (LISTEN done when this resolves); the returned promise is the next message, bounded in time. */
async function listen(pubsub: Pubsub, channel: string): Promise<{ next: Promise<Message> }> {
  let deliver!: (m: Message) => void;
  const next = new Promise<Message>((resolve, reject) => {
    deliver = resolve;
    setTimeout(() => reject(new Error(`no message on ${channel}`)), 5000).unref();
  });
  await pubsub.subscribe(channel, (payload, fromSelf) => deliver({ payload, fromSelf }));
  return { next };
}

describe('pubsub (LISTEN/NOTIFY between replicas)', () => {
  let server: TestServer;
  let a: Pubsub;
  let b: Pubsub;
  beforeAll(async () => {
    server = await startTestServer({ oss: true });
    a = new Pubsub(server.databaseUrl);
    b = new Pubsub(server.databaseUrl);
    await a.start();
    await b.start();
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await server.close();
  });

  it('delivers to every subscriber and tells the publisher its own message apart', async () => {
    const atA = await listen(a, 'test_channel');
    const atB = await listen(b, 'test_channel');
    await a.publish('test_channel', 'hello');
    expect(await atA.next).toEqual({ payload: 'hello', fromSelf: true });
    expect(await atB.next).toEqual({ payload: 'hello', fromSelf: false });
  });

  it('a barrier returns only after everything committed before it was delivered, in commit order', async () => {
    const heard: string[] = [];
    await a.subscribe('test_barrier', (payload) => heard.push(payload));
    // Committed on other connections (as triggers do inside a change's transaction), not via `a`.
    for (let i = 0; i < 20; i++) await server.sql(`SELECT pg_notify('test_barrier', $1)`, [String(i)]);
    await a.barrier();
    expect(heard).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
  });

  it('a lost listener connection is made again: subscriptions keep working and reconnect hooks run', async () => {
    const c = new Pubsub(server.databaseUrl);
    await c.start();
    try {
      let reconnected!: () => void;
      const reconnect = new Promise<void>((resolve) => (reconnected = resolve));
      c.onReconnect(() => reconnected());
      const heard: string[] = [];
      await c.subscribe('test_reconnect', (payload) => heard.push(payload));
      await c.barrier();
      // c's listener connection: the newest one the pubsub opened.
      const pids = await server.sql<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'coderd-pubsub' ORDER BY backend_start DESC LIMIT 1`,
      );
      expect(pids).toHaveLength(1);
      await server.sql('SELECT pg_terminate_backend($1)', [pids[0].pid]);
      await reconnect;
      await server.sql(`SELECT pg_notify('test_reconnect', 'after')`);
      await c.barrier();
      expect(heard).toEqual(['after']);
    } finally {
      await c.close();
    }
  });

  it("the API answers a change only after the server's barrier; reads never wait", async () => {
    const owner = await createFirstUser(server);
    const pubsub = server.app.get(Pubsub);
    let release!: () => void;
    const barrier = jest.spyOn(pubsub, 'barrier').mockImplementation(() => new Promise<void>((r) => (release = r)));
    try {
      expect((await api(server, owner.token).get('/api/v2/users/me')).status).toBe(200);
      expect(barrier).not.toHaveBeenCalled();
      let answered = false;
      const change = api(server, owner.token)
        .put(`/api/v2/users/me/profile`)
        .send({ username: 'owner', name: 'Barrier Test' })
        .then((res) => {
          answered = true;
          return res;
        });
      // Answered only once the barrier is released (the change itself is committed already).
      while (barrier.mock.calls.length === 0) await new Promise((r) => setImmediate(r));
      expect((await server.sql<{ name: string }>('SELECT name FROM users WHERE id = $1', [owner.id]))[0].name).toBe('Barrier Test');
      expect(answered).toBe(false);
      release();
      expect((await change).status).toBe(200);
      expect(barrier).toHaveBeenCalledTimes(1);
    } finally {
      barrier.mockRestore();
    }
  });

  it('refuses channel names that are not plain identifiers', async () => {
    await expect(a.subscribe('bad channel; drop', () => undefined)).rejects.toThrow(/invalid pubsub channel/);
  });
});
