import { Logger, type DynamicModule } from '@nestjs/common';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '#db/embedded-postgres.js';
import { ConfigError, loadConfig, type DeploymentConfig } from '../config/config.js';
import { formatGoDuration } from '../config/duration.js';
import type { CoreOptions } from '../core.module.js';
import { FirstUserService } from '../users/first-user.service.js';
import { createApp } from './create-app.js';
import { closeGracefully } from './shutdown.js';

export interface ServerFlavour {
  name: string;
  title: string;
  module: (opts: CoreOptions) => DynamicModule;
}

/**
 * Starts a server: configuration, database (embedded when no URL is set), HTTP. SIGINT/SIGTERM
 * stop accepting connections, let in-flight requests finish (for at most CODER_SHUTDOWN_GRACE_PERIOD,
 * then their connections are cut), close the modules, then stop the embedded database and exit 0.
 * An embedded database that dies is restarted a few times; when it cannot be, the server exits 1.
 */
export async function runServer(flavour: ServerFlavour): Promise<void> {
  const log = new Logger(flavour.name);
  let config: DeploymentConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  let db: EmbeddedDatabase | undefined;
  if (!config.pgConnectionUrl) {
    try {
      db = await startEmbeddedPostgres(config.cacheDirectory, (m) => log.log(m));
    } catch (err) {
      console.error((err as Error).message);
      process.exit(1);
    }
  }
  const app = await createApp(flavour.module({ config, databaseUrl: config.pgConnectionUrl || db!.url }), config, { title: flavour.title });
  let stopping = false;
  db?.supervise({
    log: (m) => log.warn(m),
    onGiveUp: (reason) => {
      if (stopping) return;
      log.error(`${reason}; exiting.`);
      process.exit(1);
    },
  });
  const stop = async (signal: string) => {
    if (stopping) {
      console.error(`Received ${signal} again; exiting immediately.`);
      process.exit(1);
    }
    stopping = true;
    const grace = formatGoDuration(config.shutdownGracePeriodMs);
    console.log(`Received ${signal}; finishing in-flight requests (for up to ${grace}) and shutting down...`);
    await closeGracefully(app, { graceMs: config.shutdownGracePeriodMs, log: (m) => log.warn(m) }).catch((err) => console.error(err));
    await db?.stop().catch((err) => console.error(err));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  // Asked before listening: a SIGTERM right after the first request must not meet this query mid-shutdown.
  const noUsers = !(await app.get(FirstUserService).exists());
  await app.listen(config.httpAddress.port, config.httpAddress.host);
  const url = `http://${config.httpAddress.host.includes(':') ? `[${config.httpAddress.host}]` : config.httpAddress.host}:${config.httpAddress.port}`;
  console.log(`${flavour.title} listening on ${url} (${config.httpAdapter}, started in ${Math.round(process.uptime() * 1000)} ms)`);
  console.log(`  database: ${db ? `embedded PostgreSQL in ${db.dataDir}` : 'external PostgreSQL (CODER_PG_CONNECTION_URL)'}`);
  console.log(`  API docs: ${url}/swagger`);
  if (noUsers) {
    console.log(
      `\nNo users yet. Create the first user (the owner):\n` +
        `  curl -X POST ${url}/api/v2/users/first -H 'Content-Type: application/json' \\\n` +
        `    -d '{"email":"admin@example.com","username":"admin","password":"<a strong password>"}'\n` +
        `Then log in:\n` +
        `  curl -X POST ${url}/api/v2/users/login -H 'Content-Type: application/json' \\\n` +
        `    -d '{"email":"admin@example.com","password":"<the password>"}'\n`,
    );
  }
}
