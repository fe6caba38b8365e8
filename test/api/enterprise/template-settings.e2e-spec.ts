// The licensed template settings (advanced_template_scheduling, access_control, control_shared_ports):
// they apply once a license entitles them (no restart), and they change what workspaces may do.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../../support/fixtures.js';
import { testPublicKeysFile, uploadLicense, validLicense } from '../../support/licenses.js';
import { createTemplate, createVersion, waitForBuild, waitForImport } from '../../support/templates.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

const DOC = { resources: [{ name: 'dev', type: 'docker_container' }] };

describe('licensed template settings', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;

  beforeAll(async () => {
    server = await startTestServer({ env: { CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile() } });
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
  });
  afterAll(() => server.close());

  const patch = (id: string, body: Record<string, unknown>) => api(server, owner.token).patch(`/api/v2/templates/${id}`).send(body);
  let seq = 0;
  const template = () => createTemplate(server, owner.token, owner.orgId, `licensed-${++seq}`, DOC);
  const workspace = async (templateId: string, token = member.token, extra: Record<string, unknown> = {}) => {
    const res = await api(server, token).post('/api/v2/users/me/workspaces').send({ name: `ws-${++seq}`, template_id: templateId, ...extra });
    if (res.status !== 201) throw new Error(`create workspace: ${res.status} ${JSON.stringify(res.body)}`);
    await waitForBuild(server, token, res.body.latest_build.id);
    return res.body as { id: string; latest_build: { id: string } };
  };

  it('a license takes effect at once: scheduling fields ignored before it apply after it', async () => {
    const t = await template();
    expect((await patch(t.id, { failure_ttl_ms: 120_000 })).status).toBe(304);
    const licensed = await uploadLicense(server, owner.token, await validLicense({ advanced_template_scheduling: 1, access_control: 1, control_shared_ports: 1 }));
    expect(licensed.status).toBe(201);
    const res = await patch(t.id, {
      failure_ttl_ms: 120_000,
      time_til_dormant_ms: 3_600_000,
      time_til_dormant_autodelete_ms: 7_200_000,
      autostop_requirement: { days_of_week: ['saturday', 'sunday'], weeks: 2 },
      autostart_requirement: { days_of_week: ['monday', 'tuesday'] },
      max_port_share_level: 'public',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      failure_ttl_ms: 120_000,
      time_til_dormant_ms: 3_600_000,
      time_til_dormant_autodelete_ms: 7_200_000,
      autostop_requirement: { days_of_week: ['saturday', 'sunday'], weeks: 2 },
      autostart_requirement: { days_of_week: ['monday', 'tuesday'] },
      max_port_share_level: 'public',
    });
  });

  it('allow_user_autostart false refuses a workspace autostart schedule', async () => {
    const t = await template();
    const ws = await workspace(t.id);
    expect((await patch(t.id, { allow_user_autostart: false })).body.allow_user_autostart).toBe(false);
    const res = await api(server, member.token).put(`/api/v2/workspaces/${ws.id}/autostart`).send({ schedule: 'CRON_TZ=UTC 30 9 * * 1-5' });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('Autostart is not allowed for workspaces using this template.');
  });

  it('a deprecated template refuses new workspaces with 403 and its message; existing ones keep building', async () => {
    const t = await template();
    const ws = await workspace(t.id);
    expect((await patch(t.id, { deprecation_message: 'Use the v2 template.' })).body).toMatchObject({ deprecated: true, deprecation_message: 'Use the v2 template.' });
    const res = await api(server, member.token).post('/api/v2/users/me/workspaces').send({ name: 'too-late', template_id: t.id });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ message: `Template "${t.name}" has been deprecated, and cannot be used to create a new workspace.`, detail: 'Use the v2 template.' });
    const stop = await api(server, member.token).post(`/api/v2/workspaces/${ws.id}/builds`).send({ transition: 'stop' });
    expect(stop.status).toBe(201);
    expect((await api(server, owner.token).get('/api/v2/templates').query({ q: 'deprecated:true' })).body.map((x: { id: string }) => x.id)).toEqual([t.id]);
    expect((await patch(t.id, { deprecation_message: '' })).body.deprecated).toBe(false);
  });

  it('require_active_version: members must start the active version; template admins may start another', async () => {
    const t = await template();
    const oldVersion = t.active_version_id;
    const ws = await workspace(t.id);
    const v2 = await createVersion(server, owner.token, owner.orgId, { ...DOC, readme: 'v2' }, { template_id: t.id });
    expect((await waitForImport(server, owner.token, v2.id)).job.status).toBe('succeeded');
    expect((await api(server, owner.token).patch(`/api/v2/templates/${t.id}/versions`).send({ id: v2.id })).status).toBe(200);
    expect((await patch(t.id, { require_active_version: true })).body.require_active_version).toBe(true);
    const stop = await api(server, member.token).post(`/api/v2/workspaces/${ws.id}/builds`).send({ transition: 'stop' });
    await waitForBuild(server, member.token, stop.body.id);
    const refused = await api(server, member.token).post(`/api/v2/workspaces/${ws.id}/builds`).send({ transition: 'start', template_version_id: oldVersion });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('Cannot use a non-active version: the template requires its active version.');
    const started = await api(server, member.token).post(`/api/v2/workspaces/${ws.id}/builds`).send({ transition: 'start' });
    expect(started.status).toBe(201);
    expect(started.body.template_version_id).toBe(v2.id);
    await waitForBuild(server, member.token, started.body.id);
    expect((await api(server, owner.token).get(`/api/v2/workspaces/${ws.id}`)).body.template_require_active_version).toBe(true);
    const ownStop = await api(server, owner.token).post(`/api/v2/workspaces/${ws.id}/builds`).send({ transition: 'stop' });
    await waitForBuild(server, owner.token, ownStop.body.id);
    const byAdmin = await api(server, owner.token).post(`/api/v2/workspaces/${ws.id}/builds`).send({ transition: 'start', template_version_id: oldVersion });
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body.template_version_id).toBe(oldVersion);
    await waitForBuild(server, owner.token, byAdmin.body.id);
  });

  it('a new autodelete time moves dormant workspaces\' deleting_at; update_workspace_* restart the clocks', async () => {
    const t = await template();
    expect((await patch(t.id, { time_til_dormant_ms: 3_600_000, time_til_dormant_autodelete_ms: 86_400_000 })).status).toBe(200);
    const dormant = await workspace(t.id);
    const active = await workspace(t.id);
    const put = await api(server, member.token).put(`/api/v2/workspaces/${dormant.id}/dormant`).send({ dormant: true });
    expect(put.status).toBe(200);
    const dormantAt = Date.parse(put.body.dormant_at);
    expect(Date.parse(put.body.deleting_at) - dormantAt).toBe(86_400_000);

    expect((await patch(t.id, { time_til_dormant_autodelete_ms: 3_600_000 })).status).toBe(200);
    const moved = (await api(server, owner.token).get(`/api/v2/workspaces/${dormant.id}`)).body;
    expect(Date.parse(moved.dormant_at)).toBe(dormantAt);
    expect(Date.parse(moved.deleting_at) - dormantAt).toBe(3_600_000);
    expect((await api(server, owner.token).get(`/api/v2/workspaces/${active.id}`)).body.deleting_at).toBeUndefined();

    const [before] = await server.sql<{ last_used_at: Date }>(`SELECT last_used_at FROM workspaces WHERE id = $1`, [active.id]);
    expect((await patch(t.id, { update_workspace_last_used_at: true, update_workspace_dormant_at: true })).status).toBe(200);
    const [after] = await server.sql<{ last_used_at: Date }>(`SELECT last_used_at FROM workspaces WHERE id = $1`, [active.id]);
    expect(after.last_used_at.getTime()).toBeGreaterThan(before.last_used_at.getTime());
    const restarted = (await api(server, owner.token).get(`/api/v2/workspaces/${dormant.id}`)).body;
    expect(Date.parse(restarted.dormant_at)).toBeGreaterThan(dormantAt);
    expect(Date.parse(restarted.deleting_at) - Date.parse(restarted.dormant_at)).toBe(3_600_000);
  });
});
