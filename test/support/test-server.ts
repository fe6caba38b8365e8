import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { freePort } from '#db/embedded-postgres.js';
import { loadConfig, type DeploymentConfig } from '#coderd/config/config.js';
import { CoreModule, type CoreOptions } from '#coderd/core.module.js';
import { createApp } from '#coderd/server/create-app.js';
import { closeGracefully } from '#coderd/server/shutdown.js';

export interface TestServer {
  url: string;
  app: INestApplication;
  config: DeploymentConfig;
  databaseUrl: string;
  /** Direct SQL against this server's database (for arranging state tests cannot reach via the API). */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /**
   * AGPL server instead of the edition under test: the enterprise server, or the AGPL one when
   * CODER_TEST_EDITION=agpl (the AGPL suite, run in a tree without apps/enterprise).
   */
  oss?: boolean;
  /** Environment variables, as the server would read them (CODER_*). */
  env?: Record<string, string>;
  /** Reuse a database (e.g. a second replica); a fresh one otherwise. */
  databaseUrl?: string;
  /**
   * Listen on a port chosen beforehand and make CODER_ACCESS_URL the server's real URL, for specs
   * whose clients check URLs the server announces (OAuth2 issuer, resource, MCP).
   */
  realAccessUrl?: boolean;
}

/** Test defaults: limits high enough not to interfere unless a test lowers them. */
const TEST_ENV = { CODER_LOGIN_RATE_LIMIT: '10000', CODER_API_RATE_LIMIT: '100000' };

/** Boots a real server (real HTTP on 127.0.0.1, real PostgreSQL) on a database of its own. */
export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const adminUrl = process.env.E2E_PG_ADMIN_URL;
  if (!adminUrl) throw new Error('E2E_PG_ADMIN_URL is not set: API tests must run through the jest "api" project.');
  const databaseUrl = opts.databaseUrl ?? (await createDatabase(adminUrl));
  const port = opts.realAccessUrl ? await freePort() : 0;
  const config = loadConfig({ ...TEST_ENV, ...(port ? { CODER_ACCESS_URL: `http://127.0.0.1:${port}` } : {}), ...opts.env });
  const coreOpts: CoreOptions = { config, databaseUrl };
  const root = opts.oss || agplOnly() ? CoreModule.forRoot(coreOpts) : (await import('./enterprise/enterprise-root.js')).enterpriseRoot(coreOpts);
  const app = await createApp(root, config, { logLevels: ['error'] });
  await app.listen(port, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  // An idle connection the database drops (a spec stopping its PostgreSQL) must not crash the worker.
  pool.on('error', () => undefined);
  return {
    url: `http://127.0.0.1:${address.port}`,
    app,
    config,
    databaseUrl,
    sql: async (text, params) => (await pool.query(text, params)).rows,
    async close() {
      await closeGracefully(app);
      await pool.end();
    },
  };
}

/** True in the AGPL suite: the enterprise tree is absent and never imported. */
export function agplOnly(): boolean {
  return process.env.CODER_TEST_EDITION === 'agpl';
}

/** A new, empty database on the suite's PostgreSQL (E2E_PG_ADMIN_URL), as a connection URL. */
export async function createDatabase(adminUrl = process.env.E2E_PG_ADMIN_URL ?? ''): Promise<string> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
