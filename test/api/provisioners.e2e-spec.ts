import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { until } from '../support/poll.js';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../support/fixtures.js';
import { createVersion, waitForImport } from '../support/templates.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const BUILTIN_KEY = '00000000-0000-0000-0000-000000000001';

describe('provisioner daemons and jobs', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;
  let versionId: string;
  let jobId: string;
  const daemons = (q = '', token = owner.token) => api(server, token).get(`/api/v2/organizations/${owner.orgId}/provisionerdaemons${q}`);
  const jobs = (q = '', token = owner.token) => api(server, token).get(`/api/v2/organizations/${owner.orgId}/provisionerjobs${q}`);

  beforeAll(async () => {
    server = await startTestServer();
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
    const v = await createVersion(server, owner.token, owner.orgId, { readme: 'provisioners spec' }, { name: 'pv1' });
    await waitForImport(server, owner.token, v.id);
    versionId = v.id;
    jobId = v.job.id;
  });
  afterAll(() => server.close());

  describe('GET /organizations/{org}/provisionerdaemons', () => {
    it('lists the built-in daemons as idle, with the built-in key, to members too', async () => {
      // A daemon that looked for the default organization just before it existed registers on its next try.
      const res = await until(() => daemons('', member.token), (r) => r.status !== 200 || r.body.length >= 3, 10_000);
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(3);
      for (const d of res.body) {
        expect(d).toMatchObject({ organization_id: owner.orgId, key_id: BUILTIN_KEY, key_name: 'built-in', provisioners: ['echo', 'terraform'], status: 'idle', api_version: '1.18', current_job: null });
      }
      // The daemon that ran the import shows it as its previous job.
      const ran = res.body.find((d: { previous_job: { id: string } | null }) => d.previous_job?.id === jobId);
      expect(ran.previous_job).toMatchObject({ id: jobId, status: 'succeeded' });
    });

    it('leaves offline daemons out unless asked for, and filters by status, ids, tags and max_age', async () => {
      const stale = randomUUID();
      await server.sql(
        `INSERT INTO provisioner_daemons (id, organization_id, name, provisioners, tags, key_id, last_seen_at)
         VALUES ($1, $2, 'gone', '{terraform}', '{"scope":"organization","owner":"","zone":"a"}', $3, now() - interval '10 minutes')`,
        [stale, owner.orgId, BUILTIN_KEY],
      );
      expect((await daemons()).body.map((d: { id: string }) => d.id)).not.toContain(stale);
      const withOffline = await daemons('?offline=true');
      expect(withOffline.body.find((d: { id: string }) => d.id === stale)).toMatchObject({ status: 'offline', name: 'gone' });
      expect((await daemons('?status=offline')).body.map((d: { id: string }) => d.id)).toEqual([stale]);
      expect((await daemons(`?offline=true&ids=${stale}`)).body).toHaveLength(1);
      expect((await daemons(`?offline=true&tags=${encodeURIComponent('{"zone":"a"}')}`)).body.map((d: { id: string }) => d.id)).toEqual([stale]);
      expect((await daemons('?offline=true&max_age=1m')).body.map((d: { id: string }) => d.id)).not.toContain(stale);
      expect((await daemons('?limit=1')).body).toHaveLength(1);
    });

    it('answers 400 with one validation per bad parameter', async () => {
      const res = await daemons('?status=sleepy&max_age=forever&ids=x&whatever=1');
      expect(res.status).toBe(400);
      expect(res.body.validations.map((v: { field: string }) => v.field).sort()).toEqual(['ids', 'max_age', 'status', 'whatever']);
    });
  });

  it('20 imports posted at once on 3 daemons: every job is taken and run exactly once', async () => {
    const versions = await Promise.all(Array.from({ length: 20 }, (_, i) => createVersion(server, owner.token, owner.orgId, { readme: `burst ${i}` })));
    const done = await Promise.all(versions.map((v) => waitForImport(server, owner.token, v.id)));
    expect(done.map((d) => d.job.status)).toEqual(Array(20).fill('succeeded'));
    const ids = versions.map((v) => v.job.id);
    // A job run twice would have logged its first line twice.
    const runs = await server.sql<{ job_id: string; n: number }>(
      `SELECT job_id, count(*)::int AS n FROM provisioner_job_logs WHERE job_id = ANY($1::uuid[]) AND output LIKE 'Reading %' GROUP BY job_id`,
      [ids],
    );
    expect(runs).toHaveLength(20);
    expect(runs.every((r) => r.n === 1)).toBe(true);
    const workers = await server.sql<{ worker_id: string }>(`SELECT DISTINCT worker_id FROM provisioner_jobs WHERE id = ANY($1::uuid[])`, [ids]);
    const builtIn = (await daemons()).body.map((d: { id: string }) => d.id);
    for (const w of workers) expect(builtIn).toContain(w.worker_id);
  });

  describe('GET /organizations/{org}/provisionerjobs', () => {
    it('lists jobs newest first with their template metadata; filters by status, ids and initiator', async () => {
      const res = await jobs();
      expect(res.status).toBe(200);
      const job = res.body.find((j: { id: string }) => j.id === jobId);
      expect(job).toMatchObject({ type: 'template_version_import', status: 'succeeded', initiator_id: owner.id, input: { template_version_id: versionId }, metadata: { template_version_name: 'pv1' }, queue_position: 0 });
      expect((await jobs('?status=failed')).body.map((j: { id: string }) => j.id)).not.toContain(jobId);
      expect((await jobs('?status=succeeded,failed')).body.map((j: { id: string }) => j.id)).toContain(jobId);
      expect((await jobs(`?ids=${jobId}`)).body).toHaveLength(1);
      expect((await jobs(`?initiator=${member.id}`)).body).toEqual([]);
      expect((await jobs(`?tags=${encodeURIComponent('{"scope":"organization"}')}`)).body.map((j: { id: string }) => j.id)).toContain(jobId);
      const one = await api(server, owner.token).get(`/api/v2/organizations/${owner.orgId}/provisionerjobs/${jobId}`);
      expect(one.body.id).toBe(jobId);
      expect((await api(server, owner.token).get(`/api/v2/organizations/${owner.orgId}/provisionerjobs/${randomUUID()}`)).status).toBe(404);
    });

    it('a pending job shows its place in the queue', async () => {
      // Held back from the daemons by a tag no daemon has.
      const v = await createVersion(server, owner.token, owner.orgId, { readme: 'queued' }, { tags: { region: 'nowhere' } });
      const res = await jobs(`?ids=${v.job.id}`);
      expect(res.body[0]).toMatchObject({ status: 'pending', queue_position: 1, queue_size: 1, tags: { region: 'nowhere', scope: 'organization', owner: '' } });
      await api(server, owner.token).patch(`/api/v2/templateversions/${v.id}/cancel`);
      expect((await jobs(`?ids=${v.job.id}`)).body[0].status).toBe('canceled');
    });

    it('refuses unknown and malformed parameters (400) and members (404)', async () => {
      const res = await jobs('?state=running&limit=-1&initiator=me');
      expect(res.status).toBe(400);
      expect(res.body.validations.map((v: { field: string }) => v.field).sort()).toEqual(['initiator', 'limit', 'state']);
      expect((await jobs('', member.token)).status).toBe(404);
    });
  });
});
