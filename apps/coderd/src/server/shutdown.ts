import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { inFlightHandlers } from './in-flight.js';

export interface CloseOptions {
  /** How long in-flight requests may run on; then their connections are cut. Unset: no limit. */
  graceMs?: number;
  /** Told when the grace period ran out with connections still open. */
  log?: (message: string) => void;
}

/** After the connections are cut, how long handlers get to notice and finish their bookkeeping. */
const SETTLE_MS = 5_000;

/**
 * Stops accepting connections and waits for in-flight requests (up to the grace period, then cuts
 * what is left), and only then shuts the modules down (database pool, pubsub, the AI Bridge
 * recorder's last flush). Nest's own close() does it the other way round, so a request still
 * running would lose its database.
 */
export async function closeGracefully(app: INestApplication, opts: CloseOptions = {}): Promise<void> {
  const server = app.getHttpServer() as Server;
  if (server.listening) {
    await new Promise<void>((resolve) => {
      // Keep-alive connections become idle once their response is out; close them as they do, so
      // close() completes as soon as the last in-flight request has been answered.
      const sweep = setInterval(() => server.closeIdleConnections(), 25);
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
