import type { DataSource } from 'typeorm';

/** Any constant works; it only has to be the same for every replica. */
const MIGRATION_LOCK_ID = 0x636f646572; // "coder"

/**
 * Runs pending migrations while holding a session advisory lock, so replicas starting at the same
 * moment run them one after the other instead of racing. Each migration runs in its own transaction.
 */
export async function runMigrationsLocked(ds: DataSource): Promise<string[]> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      const ran = await ds.runMigrations({ transaction: 'each' });
      return ran.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    }
  } finally {
    await runner.release();
  }
}
