import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, createFirstUser, type FirstUser } from '../support/fixtures.js';
import { createVersion, waitForImport } from '../support/templates.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// No built-in daemons: the spec plays a daemon that takes a job and dies, and a queue nobody serves.
describe('hung provisioner jobs', () => {
  let server: TestServer;
  let owner: FirstUser;

  beforeAll(async () => {
    server = await startTestServer({
      env: { CODER_PROVISIONER_DAEMONS: '0', CODER_PROVISIONER_JOB_HEARTBEAT_TIMEOUT: '1s', CODER_PROVISIONER_JOB_PENDING_TIMEOUT: '2s' },
    });
    owner = await createFirstUser(server);
  });
  afterAll(() => server.close());

  it('a job whose daemon stops heart-beating fails with an error saying so', async () => {
    const v = await createVersion(server, owner.token, owner.orgId, { readme: 'x' });
    // A daemon takes the job the way acquisition does, then is killed: no update ever follows.
    await server.sql(`UPDATE provisioner_jobs SET started_at = now(), updated_at = now(), worker_id = $2 WHERE id = $1`, [v.job.id, randomUUID()]);
    const done = await waitForImport(server, owner.token, v.id);
    expect(done.job.status).toBe('failed');
    expect(done.job.error).toContain('provisioner daemon stopped sending updates');
    const logs = await api(server, owner.token).get(`/api/v2/templateversions/${v.id}/logs`);
    expect(logs.body.at(-1)).toMatchObject({ log_level: 'error', log_source: 'provisioner_daemon' });
  });

  it('a job no daemon takes fails after the pending timeout', async () => {
    const v = await createVersion(server, owner.token, owner.orgId, { readme: 'y' });
    expect(v.job.status).toBe('pending');
    const done = await waitForImport(server, owner.token, v.id);
    expect(done.job.status).toBe('failed');
    expect(done.job.error).toContain('no provisioner daemon took the job');
  });
});
