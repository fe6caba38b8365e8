import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../support/fixtures.js';
import { until } from '../support/poll.js';
import { createTemplate, createVersion, waitForBuild } from '../support/templates.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// One built-in daemon: a build that hangs holds it, so the next job stays pending.
const HANGS = { resources: [{ name: 'dev', type: 'null_resource' }], outcomes: { start: { apply: { hang: true } } } };
const QUICK = { resources: [{ name: 'dev', type: 'null_resource' }] };

describe('cancelling workspace builds', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;
  let hangs: { id: string };
  let strict: { id: string };
  let quick: { id: string; active_version_id: string };

  beforeAll(async () => {
    server = await startTestServer({ env: { CODER_PROVISIONER_DAEMONS: '1' } });
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
    hangs = await createTemplate(server, owner.token, owner.orgId, 'hangs', HANGS);
    strict = await createTemplate(server, owner.token, owner.orgId, 'strict', HANGS, { allow_user_cancel_workspace_jobs: false });
    quick = await createTemplate(server, owner.token, owner.orgId, 'quick', QUICK);
  });
  afterAll(() => server.close());

  async function createWs(name: string, templateId: string, token = owner.token) {
    const res = await api(server, token).post('/api/v2/users/me/workspaces').send({ name, template_id: templateId });
    expect(res.status).toBe(201);
    return res.body as { id: string; latest_build: { id: string } };
  }

  const status = async (buildId: string) => (await api(server, owner.token).get(`/api/v2/workspacebuilds/${buildId}`)).body.status as string;
  const cancel = (buildId: string, query = '', token = owner.token) => api(server, token).patch(`/api/v2/workspacebuilds/${buildId}/cancel${query}`);

  it('cancels a pending build at once and a running one through canceling; expect_status guards both', async () => {
    const first = await createWs('holder', hangs.id);
    expect(await until(() => status(first.latest_build.id), (s) => s === 'starting')).toBe('starting');
    const queued = await createWs('queued', quick.id);
    expect(await status(queued.latest_build.id)).toBe('pending');
    // While a build is active, another build of the same workspace is refused.
    const second = await api(server, owner.token).post(`/api/v2/workspaces/${first.id}/builds`).send({ transition: 'stop' });
    expect(second.status).toBe(409);
    expect(second.body.message).toBe('A workspace build is already active.');

    const bad = await cancel(queued.latest_build.id, '?expect_status=done');
    expect(bad.status).toBe(400);
    expect(bad.body.validations).toEqual([{ field: 'expect_status', detail: expect.any(String) }]);
    const wrong = await cancel(queued.latest_build.id, '?expect_status=running');
    expect(wrong.status).toBe(412);
    expect(wrong.body.message).toBe('Job is not in the expected state.');
    const ok = await cancel(queued.latest_build.id, '?expect_status=pending');
    expect(ok.status).toBe(200);
    expect(ok.body.message).toBe('Job has been marked as canceled...');
    expect(await status(queued.latest_build.id)).toBe('canceled');
    expect((await cancel(queued.latest_build.id)).status).toBe(400);

    expect((await cancel(first.latest_build.id, '?expect_status=pending')).status).toBe(412);
    expect((await cancel(first.latest_build.id, '?expect_status=running')).status).toBe(200);
    expect((await waitForBuild(server, owner.token, first.latest_build.id)).status).toBe('canceled');
  });

  it('a version still importing cannot be built (406)', async () => {
    const holder = await createWs('holder-2', hangs.id);
    expect(await until(() => status(holder.latest_build.id), (s) => s === 'starting')).toBe('starting');
    const importing = await createVersion(server, owner.token, owner.orgId, QUICK, { template_id: quick.id });
    const res = await api(server, owner.token).post('/api/v2/users/me/workspaces').send({ name: 'too-soon', template_version_id: importing.id });
    expect(res.status).toBe(406);
    expect((await api(server, owner.token).get('/api/v2/users/me/workspace/too-soon')).status).toBe(404);
    expect((await cancel(holder.latest_build.id)).status).toBe(200);
    await waitForBuild(server, owner.token, holder.latest_build.id);
  });

  it('members cancel running builds only where the template allows it; pending ones always', async () => {
    const running = await createWs('strict-run', strict.id, member.token);
    expect(await until(() => status(running.latest_build.id), (s) => s === 'starting')).toBe('starting');
    const pending = await createWs('strict-wait', strict.id, member.token);
    expect((await cancel(running.latest_build.id, '', member.token)).status).toBe(403);
    expect((await cancel(pending.latest_build.id, '', member.token)).status).toBe(200);
    expect((await cancel(running.latest_build.id)).status).toBe(200);
    expect((await waitForBuild(server, owner.token, running.latest_build.id)).status).toBe('canceled');
  });

  it('ten cancels of one running build at once: exactly one succeeds, the others are told it already was cancelled or ended', async () => {
    const ws = await createWs('raced', hangs.id);
    expect(await until(() => status(ws.latest_build.id), (s) => s === 'starting')).toBe('starting');
    const answers = await Promise.all(Array.from({ length: 10 }, () => cancel(ws.latest_build.id)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    // The daemon may end the job while the others wait for the row: then it has "already completed".
    for (const a of answers.filter((x) => x.status !== 200)) {
      expect(a.status).toBe(400);
      expect(['Job has already been marked as canceled!', 'Job has already completed!']).toContain(a.body.message);
    }
    expect((await waitForBuild(server, owner.token, ws.latest_build.id)).status).toBe('canceled');
    // The workspace can be built again once the cancelled build has ended.
    const next = await api(server, owner.token).post(`/api/v2/workspaces/${ws.id}/builds`).send({ transition: 'stop' });
    expect(next.status).toBe(201);
  });
});
