// Direct access to the embedded database: seeding users and counting transactions.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { sleep } from './server.mjs';

/** Connection settings for the embedded cluster under `<cacheDir>/postgres` (user `coder`). */
export function embeddedConnection(cacheDir, database = 'coder') {
  const dir = path.join(cacheDir, 'postgres');
  return {
    host: '127.0.0.1',
    port: Number(readFileSync(path.join(dir, 'port'), 'utf8').trim()),
    user: 'coder',
    password: readFileSync(path.join(dir, 'password'), 'utf8').trim(),
    database,
  };
}

export async function connect(cacheDir, database) {
  const client = new pg.Client(embeddedConnection(cacheDir, database));
  await client.connect();
  return client;
}

/**
 * Inserts `count` active password users (no usable password) and makes them members of the default
 * organization, then VACUUM ANALYZEs so plans are realistic and autovacuum stays quiet during runs.
 */
export async function seedUsers(client, count) {
  await client.query('BEGIN');
  try {
    const { rows } = await client.query(
      `INSERT INTO users (id, email, username, status, login_type, hashed_password)
       SELECT gen_random_uuid(), 'bench-user-' || i || '@example.com', 'bench-user-' || i, 'active', 'password', ''
       FROM generate_series(1, $1::int) AS i
       RETURNING id`,
      [count],
    );
    const org = await client.query(`SELECT id FROM organizations WHERE is_default AND NOT deleted`);
    if (org.rowCount !== 1) throw new Error('the default organization does not exist (was the first user created?)');
    await client.query(
      `INSERT INTO organization_members (user_id, organization_id)
       SELECT id, $1 FROM users WHERE username LIKE 'bench-user-%'`,
      [org.rows[0].id],
    );
    await client.query('COMMIT');
    await client.query('VACUUM ANALYZE users');
    await client.query('VACUUM ANALYZE organization_members');
    return rows.length;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/**
 * Counts committed + rolled-back transactions in the `coder` database. The monitor connects to the
 * `postgres` database so that its own queries are not counted.
 *
 * PostgreSQL (15+) backends flush their statistics at most once a second; a backend that goes idle
 * less than a second after its last flush waits PGSTAT_IDLE_INTERVAL (10 s) before flushing. So a
 * reading is only complete 10 s after the load stopped: `settled()` waits that long, then until two
 * readings agree.
 */
export class TransactionCounter {
  constructor(client) {
    this.client = client;
  }

  async read() {
    const { rows } = await this.client.query(
      `SELECT sum(xact_commit + xact_rollback)::bigint AS n FROM pg_stat_database WHERE datname = 'coder'`,
    );
    return Number(rows[0].n);
  }

  async settled(minWaitMs = 10_500) {
    await sleep(minWaitMs);
    let prev = await this.read();
    for (let i = 0; i < 5; i++) {
      await sleep(1200);
      const next = await this.read();
      if (next === prev) return next;
      prev = next;
    }
    return prev;
  }
}
