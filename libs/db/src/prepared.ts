import { createHash } from 'node:crypto';
import type { Pool, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * Runs a query as a named prepared statement on TypeORM's own pg pool. PostgreSQL then parses and
 * plans it once per connection instead of on every call; for the hottest list queries planning costs
 * more than executing. The name is derived from the text, so each distinct query shape is prepared
 * once per connection.
 */
const names = new Map<string, string>();
const MAX_NAMES = 10_000;

export async function preparedQuery<T extends QueryResultRow>(ds: DataSource, text: string, values: unknown[]): Promise<T[]> {
  const pool = (ds.driver as unknown as { master: Pool }).master;
  let name = names.get(text);
  if (!name) {
    name = `q_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    // Query shapes are few (filters are built from a handful of roles); the bound is a safety net.
    if (names.size >= MAX_NAMES) names.clear();
    names.set(text, name);
  }
  const result = await pool.query<T>({ name, text, values });
  return result.rows;
}
