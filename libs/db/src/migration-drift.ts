/**
 * Fails (exit 1) when the entities and the migrations disagree: migrates a scratch database, then
 * asks TypeORM what it would change to match the entities. Anything at all is drift.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './db-options.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { runMigrationsLocked } from './migrate.js';

const cache = await mkdtemp(path.join(tmpdir(), 'coderd-drift-'));
// Passable for the postgres user when run as root, so the scratch cluster stays inside (and is removed).
await chmod(cache, 0o711);
const pg = process.env.CODER_PG_CONNECTION_URL ? undefined : await startEmbeddedPostgres(cache);
const ds = new DataSource(dataSourceOptions(process.env.CODER_PG_CONNECTION_URL || pg!.url));
let drift: string[];
try {
  await ds.initialize();
  await runMigrationsLocked(ds);
  const sql = await ds.driver.createSchemaBuilder().log();
  drift = sql.upQueries.map((q) => q.query);
} finally {
  await ds.destroy().catch(() => undefined);
  await pg?.stop();
  await rm(cache, { recursive: true, force: true });
}
if (drift.length > 0) {
  console.error('Entities and migrations disagree. TypeORM would run:\n' + drift.join(';\n'));
  process.exit(1);
}
console.log('migrations: no drift between entities and migrations');
