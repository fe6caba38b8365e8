import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';

/**
 * Stops accepting connections and waits for in-flight requests, and only then shuts the modules down
 * (database pool, pubsub). Nest's own close() does it the other way round, so a request still running
 * would lose its database.
 */
export async function closeGracefully(app: INestApplication): Promise<void> {
  const server = app.getHttpServer() as Server;
  if (server.listening) {
    await new Promise<void>((resolve) => {
      // Keep-alive connections become idle once their response is out; close them as they do, so
      // close() completes as soon as the last in-flight request has been answered.
      const sweep = setInterval(() => server.closeIdleConnections(), 25);
      server.close(() => {
        clearInterval(sweep);
        resolve();
      });
      server.closeIdleConnections();
    });
  }
  await app.close();
}
