// Graceful shutdown with connections that never sent a request: a client that opened a connection
// and went quiet (a browser's preconnect) or stopped halfway through its headers (a request aborted
// while being written) must not hold the server's shutdown until Node's 60 s headers timeout.
import net from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { api } from '../support/fixtures.js';
import { startTestServer } from '../support/test-server.js';

function connect(url: string): Promise<net.Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

const closed = (s: net.Socket) => new Promise<void>((resolve) => (s.destroyed ? resolve() : s.once('close', () => resolve())));

describe('graceful shutdown', () => {
  it('drops connections that never completed a request instead of waiting for them', async () => {
    const server = await startTestServer({ oss: true });
    const quiet = await connect(server.url);
    const partial = await connect(server.url);
    partial.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    partial.on('error', () => undefined);
    quiet.on('error', () => undefined);
    // A keep-alive connection that served a request is closed as idle, as before.
    expect((await api(server).get('/healthz')).status).toBe(200);

    await server.close();
    await Promise.all([closed(quiet), closed(partial)]);
    expect(quiet.destroyed && partial.destroyed).toBe(true);
  });
});
