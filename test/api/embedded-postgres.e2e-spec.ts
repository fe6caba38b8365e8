import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { EmbeddedPostgresInUseError, startEmbeddedPostgres, type EmbeddedDatabase } from '#db/embedded-postgres.js';

async function query(url: string, text: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL', () => {
  let cache: string;
  let db: EmbeddedDatabase | undefined;
  beforeAll(async () => {
    cache = await mkdtemp(path.join(tmpdir(), 'coderd-embedded-'));
    // mkdtemp makes it private; as root the postgres user must pass through it to keep data inside.
    await chmod(cache, 0o755);
  });
  afterAll(async () => {
    await db?.stop();
    await rm(cache, { recursive: true, force: true });
  });

  it('initialises a cluster in the cache directory and keeps its data across a restart', async () => {
    db = await startEmbeddedPostgres(cache);
    expect(db.dataDir.startsWith(path.join(cache, 'postgres'))).toBe(true);
    await query(db.url, `CREATE TABLE kept (v text); INSERT INTO kept VALUES ('survives')`);
    const firstUrl = db.url;
    await db.stop();

    db = await startEmbeddedPostgres(cache);
    expect(db.url).toBe(firstUrl); // same port and password, read back from the cache directory
    expect(await query(db.url, `SELECT v FROM kept`)).toEqual([{ v: 'survives' }]);
  });

  it('refuses a second server on the same directory with a message naming it', async () => {
    expect(db).toBeDefined();
    const second = startEmbeddedPostgres(cache);
    await expect(second).rejects.toBeInstanceOf(EmbeddedPostgresInUseError);
    await expect(startEmbeddedPostgres(cache)).rejects.toThrow(/is in use: PostgreSQL \(pid \d+\) runs on it for another coderd server/);
    // The running cluster is untouched.
    expect(await query(db!.url, `SELECT v FROM kept`)).toEqual([{ v: 'survives' }]);
  });
});
