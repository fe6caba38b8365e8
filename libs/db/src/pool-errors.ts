import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

const guarded = new WeakSet<PoolClient>();

function guard(client: PoolClient): void {
  if (guarded.has(client)) return;
  guarded.add(client);
  // The failure surfaces through the next query on this client, which answers 503.
  client.on('error', () => undefined);
}

/**
 * pg-pool listens for errors only on idle clients. A checked-out client between two statements (a
 * transaction waiting on other work) that hears "terminating connection" from a dying server
 * would otherwise emit an unhandled 'error' and crash the process. Every client of the pool, now
 * and later, gets a listener for its whole life.
 */
export function guardPoolClients(ds: DataSource): void {
  const pool = (ds.driver as unknown as { master?: Pool & { _clients?: PoolClient[] } }).master;
  if (!pool) return;
  for (const client of pool._clients ?? []) guard(client);
  pool.on('connect', guard);
}
