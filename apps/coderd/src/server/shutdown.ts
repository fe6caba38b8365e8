import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Draining } from './draining.js';
import { inFlightHandlers } from './in-flight.js';

export interface CloseOptions {
  /** How long in-flight requests may run on; then their connections are cut. Unset: no limit. */
  graceMs?: number;
  /** Told when the grace period ran out with connections still open. */
  log?: (message: string) => void;
}

/** After the connections are cut, how long handlers get to notice and finish their bookkeeping. */
const SETTLE_MS = 5_000;
/** A connection that has sent no request for this long while the server stops is dropped. */
const UNSTARTED_MS = 1_000;

const unstarted = new WeakMap<Server, Map<Socket, number>>();

/**
 * Remembers connections that have not sent a request yet. Node counts them neither idle nor busy, so
 * without this a client that opened a connection and never used it (a browser's preconnect, a
 * request aborted while it was being written) holds shutdown until the headers timeout (60 s).
 */
export function trackUnstartedConnections(server: Server): void {
  const sockets = new Map<Socket, number>();
  unstarted.set(server, sockets);
  server.on('connection', (socket: Socket) => {
    sockets.set(socket, Date.now());
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (req: IncomingMessage) => sockets.delete(req.socket));
}

function dropUnstarted(server: Server): void {
  const sockets = unstarted.get(server);
  if (!sockets) return;
  const now = Date.now();
  for (const [socket, since] of sockets) if (now - since > UNSTARTED_MS) socket.destroy();
}

/**
 * Stops accepting connections and waits for in-flight requests (up to the grace period, then cuts
 * what is left), and only then shuts the modules down (database pool, pubsub, the AI Bridge
 * recorder's last flush). Nest's own close() does it the other way round, so a request still
 * running would lose its database.
 */
export async function closeGracefully(app: INestApplication, opts: CloseOptions = {}): Promise<void> {
  const server = app.getHttpServer() as Server;
  app.get(Draining, { strict: false }).start();
  if (server.listening) {
    await new Promise<void>((resolve) => {
      // Keep-alive connections become idle once their response is out; close them as they do, so
      // close() completes as soon as the last in-flight request has been answered.
      const sweep = setInterval(() => {
        server.closeIdleConnections();
        dropUnstarted(server);
      }, 25);
      const cut =
        opts.graceMs === undefined
          ? undefined
          : setTimeout(() => {
              server.getConnections((_err, open) => {
                opts.log?.(`The shutdown grace period is over; cutting ${open} connection(s) still open.`);
                server.closeAllConnections();
              });
            }, opts.graceMs);
      server.close(() => {
        clearInterval(sweep);
        clearTimeout(cut);
        resolve();
      });
      server.closeIdleConnections();
    });
  }
  await inFlightHandlers(app)?.settled(SETTLE_MS);
  await app.close();
}
