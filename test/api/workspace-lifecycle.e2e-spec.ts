import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LifecycleExecutor } from '#coderd/workspaces/lifecycle-executor.service.js';
import { api, createFirstUser, type FirstUser } from '../support/fixtures.js';
import { createTemplate, waitForBuild } from '../support/templates.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const HOUR = 3_600_000;
const DOC = { resources: [{ name: 'dev', type: 'null_resource' }] };
const FAILS_TO_START = { resources: [{ name: 'dev', type: 'null_resource' }], outcomes: { start: { apply: { error: 'no capacity' } } } };

interface Build {
  id: string;
  build_number: number;
  transition: string;
  reason: string;
  status: string;
}

// The executor is driven with an explicit "now" in the future, so nothing waits for a clock.
describe('workspace lifecycle executor', () => {
  let server: TestServer;
  let owner: FirstUser;
  let executor: LifecycleExecutor;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await createFirstUser(server);
    executor = server.app.get(LifecycleExecutor);
  });
  afterAll(() => server.close());

  async function workspace(name: string, templateId: string, extra: Record<string, unknown> = {}) {
    const res = await api(server, owner.token).post('/api/v2/users/me/workspaces').send({ name, template_id: templateId, ...extra });
    expect(res.status).toBe(201);
    await waitForBuild(server, owner.token, res.body.latest_build.id);
    return res.body as { id: string };
  }

  async function latest(id: string): Promise<Build> {
    const ws = (await api(server, owner.token).get(`/api/v2/workspaces/${id}?include_deleted=true`)).body;
    return waitForBuild(server, owner.token, ws.latest_build.id) as Promise<Build>;
  }

  const at = (ms: number) => new Date(Date.now() + ms);

  it('stops a running workspace at its deadline, once', async () => {
    const t = await createTemplate(server, owner.token, owner.orgId, 'ttl', DOC, { default_ttl_ms: HOUR });
    const ws = await workspace('stops', t.id);
    expect(await executor.pass(at(HOUR / 2))).toBe(0);
    expect(await executor.pass(at(2 * HOUR))).toBeGreaterThanOrEqual(1);
    expect(await latest(ws.id)).toMatchObject({ build_number: 2, transition: 'stop', reason: 'autostop', status: 'stopped' });
    await executor.pass(at(3 * HOUR));
    expect((await latest(ws.id)).build_number).toBe(2);
  });

  it('starts a stopped workspace when its schedule comes round, and moves next_start_at on', async () => {
    const t = await createTemplate(server, owner.token, owner.orgId, 'scheduled', DOC);
    const ws = await workspace('wakes', t.id);
    const stop = await api(server, owner.token).post(`/api/v2/workspaces/${ws.id}/builds`).send({ transition: 'stop' });
    await waitForBuild(server, owner.token, stop.body.id);
    expect((await api(server, owner.token).put(`/api/v2/workspaces/${ws.id}/autostart`).send({ schedule: 'CRON_TZ=UTC 0 9 * * *' })).status).toBe(204);
    const next = Date.parse((await api(server, owner.token).get(`/api/v2/workspaces/${ws.id}`)).body.next_start_at);
    expect(new Date(next).getUTCHours()).toBe(9);
    expect(await executor.pass(new Date(next - 60_000))).toBe(0);
    expect(await executor.pass(new Date(next + 60_000))).toBeGreaterThanOrEqual(1);
    expect(await latest(ws.id)).toMatchObject({ build_number: 3, transition: 'start', reason: 'autostart', status: 'running' });
    const moved = Date.parse((await api(server, owner.token).get(`/api/v2/workspaces/${ws.id}`)).body.next_start_at);
    expect(moved).toBe(next + 24 * HOUR);
  });

  /**
   * Failure and dormancy TTLs are licensed settings (advanced_template_scheduling, tested through the
   * API in the enterprise template settings spec); the executor acts on what is stored, so this spec
   * stores them directly. Values in milliseconds; columns in nanoseconds.
   */
  const storeSchedule = async (templateId: string, ms: Partial<Record<'failure_ttl' | 'time_til_dormant' | 'time_til_dormant_autodelete', number>>) => {
    for (const [column, value] of Object.entries(ms)) {
      await server.sql(`UPDATE templates SET ${column} = $2::bigint * 1000000 WHERE id = $1`, [templateId, value]);
    }
  };

  it('stops a start that failed, once the template\'s failure TTL has passed', async () => {
    const t = await createTemplate(server, owner.token, owner.orgId, 'flaky', FAILS_TO_START);
    await storeSchedule(t.id, { failure_ttl: HOUR });
    const ws = await workspace('fails', t.id);
    expect((await latest(ws.id)).status).toBe('failed');
    expect(await executor.pass(at(HOUR / 2))).toBe(0);
    await executor.pass(at(2 * HOUR));
    expect(await latest(ws.id)).toMatchObject({ transition: 'stop', reason: 'failedstop' });
  });

  it('makes an unused workspace dormant (stopping it), then deletes it after the autodelete delay', async () => {
    const t = await createTemplate(server, owner.token, owner.orgId, 'dormancy', DOC);
    await storeSchedule(t.id, { time_til_dormant: 24 * HOUR, time_til_dormant_autodelete: 48 * HOUR });
    const ws = await workspace('sleepy', t.id);
    await executor.pass(at(25 * HOUR));
    expect(await latest(ws.id)).toMatchObject({ transition: 'stop', reason: 'dormancy', status: 'stopped' });
    const dormant = (await api(server, owner.token).get(`/api/v2/workspaces/${ws.id}`)).body;
    expect(dormant.dormant_at).toBeDefined();
    expect(Date.parse(dormant.deleting_at) - Date.parse(dormant.dormant_at)).toBe(48 * HOUR);
    await executor.pass(at(26 * HOUR));
    expect((await latest(ws.id)).build_number).toBe(2);
    await executor.pass(at(80 * HOUR));
    expect(await latest(ws.id)).toMatchObject({ transition: 'delete', reason: 'autodelete', status: 'deleted' });
    expect((await api(server, owner.token).get(`/api/v2/workspaces/${ws.id}`)).status).toBe(410);
  });

  it('two replicas passing at the same moment make each transition once', async () => {
    const replica = await startTestServer({ databaseUrl: server.databaseUrl, env: { CODER_PROVISIONER_DAEMONS: '0' } });
    try {
      const t = await createTemplate(server, owner.token, owner.orgId, 'raced', DOC, { default_ttl_ms: HOUR });
      const names = ['race-a', 'race-b', 'race-c'];
      const made = await Promise.all(names.map((n) => workspace(n, t.id)));
      const when = at(2 * HOUR);
      await Promise.all([executor.pass(when), replica.app.get(LifecycleExecutor).pass(when)]);
      for (const ws of made) expect(await latest(ws.id)).toMatchObject({ build_number: 2, reason: 'autostop', status: 'stopped' });
      const builds = await server.sql<{ n: number }>(`SELECT count(*)::int AS n FROM workspace_builds WHERE workspace_id = ANY($1::uuid[])`, [made.map((w) => w.id)]);
      expect(builds[0].n).toBe(6);
    } finally {
      await replica.close();
    }
  });
});
