import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Pubsub } from '#db/pubsub.js';
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

  it('refuses channel names that are not plain identifiers', async () => {
    await expect(a.subscribe('bad channel; drop', () => undefined)).rejects.toThrow(/invalid pubsub channel/);
  });
});
