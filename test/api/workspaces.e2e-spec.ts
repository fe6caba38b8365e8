import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../support/fixtures.js';
import { createTemplate, createVersion, waitForBuild, waitForImport } from '../support/templates.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const DOC = {
  parameters: [
    { name: 'cpu', type: 'number', default: 2, mutable: true, validation: { min: 1, max: 8 } },
    { name: 'region', type: 'string', default: 'eu', mutable: false, options: [{ name: 'Europe', value: 'eu' }, { name: 'US', value: 'us' }] },
  ],
  resources: [
    { name: 'dev', type: 'docker_container', metadata: [{ key: 'cpu', value: '${parameter.cpu}' }], agents: [{ name: 'main', apps: [{ slug: 'code', url: 'http://localhost:8080' }] }] },
    { name: 'home', type: 'docker_volume', transitions: ['start', 'stop'] },
  ],
  outcomes: { start: { apply: { logs: ['Container started'] } } },
};

interface Ws {
  id: string;
  name: string;
  owner_name: string;
  latest_build: { id: string; status: string; build_number: number; transition: string; template_version_id: string };
}

describe('workspaces', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;
  let template: { id: string; name: string; active_version_id: string };

  beforeAll(async () => {
    server = await startTestServer();
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
    template = await createTemplate(server, owner.token, owner.orgId, 'docker', DOC, { default_ttl_ms: 3_600_000 });
  });
  afterAll(() => server.close());

  const create = (body: Record<string, unknown>, token = owner.token, user = 'me') => api(server, token).post(`/api/v2/users/${user}/workspaces`).send(body);

  /** Creates a workspace and waits for its first build to end. */
  async function running(name: string, token = owner.token, extra: Record<string, unknown> = {}): Promise<Ws> {
    const res = await create({ name, template_id: template.id, ...extra }, token);
    expect(res.status).toBe(201);
    expect((await waitForBuild(server, token, res.body.latest_build.id)).status).toBe('running');
    return (await api(server, token).get(`/api/v2/workspaces/${res.body.id}`)).body;
  }

  async function build(ws: Ws, body: Record<string, unknown>, token = owner.token) {
    const res = await api(server, token).post(`/api/v2/workspaces/${ws.id}/builds`).send(body);
    expect(res.status).toBe(201);
    return waitForBuild(server, token, res.body.id);
  }

  it('creates a workspace (201) whose first build starts it; read by id, by owner and name, and in the list', async () => {
    const res = await create({ name: 'first', template_id: template.id, rich_parameter_values: [{ name: 'cpu', value: '4' }] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'first',
      owner_id: owner.id,
      owner_name: 'owner',
      organization_id: owner.orgId,
      organization_name: 'coder',
      template_id: template.id,
      template_name: 'docker',
      template_active_version_id: template.active_version_id,
      outdated: false,
      automatic_updates: 'never',
      ttl_ms: 3_600_000,
      is_prebuild: false,
      latest_build: { build_number: 1, transition: 'start', reason: 'initiator', initiator_id: owner.id, workspace_name: 'first' },
    });
    expect(['pending', 'starting', 'running']).toContain(res.body.latest_build.status);
    const done = await waitForBuild(server, owner.token, res.body.latest_build.id);
    expect(done).toMatchObject({ status: 'running', job: { status: 'succeeded' } });
    expect(done.resources.map((r) => r.name).sort()).toEqual(['dev', 'home']);

    const byId = (await api(server, owner.token).get(`/api/v2/workspaces/${res.body.id}`)).body;
    expect(byId.latest_build.status).toBe('running');
    expect(byId.health).toEqual({ healthy: false, failing_agents: [expect.any(String)] });
    const dev = byId.latest_build.resources.find((r: { name: string }) => r.name === 'dev');
    expect(dev.metadata).toEqual([{ key: 'cpu', value: '4', sensitive: false }]);
    expect(dev.agents[0]).toMatchObject({ name: 'main', status: 'connecting', apps: [{ slug: 'code' }] });
    // The deadline comes from the TTL when the start build completes.
    expect(Date.parse(byId.latest_build.deadline)).toBeGreaterThan(Date.now() + 3_500_000);
    expect((await api(server, owner.token).get('/api/v2/users/owner/workspace/FIRST')).body.id).toBe(res.body.id);
    expect((await api(server, owner.token).get('/api/v2/users/me/workspace/first')).body.id).toBe(res.body.id);
    const list = await api(server, owner.token).get('/api/v2/workspaces?q=name:first');
    expect(list.body.count).toBe(1);
    expect(list.body.workspaces[0].id).toBe(res.body.id);
    const params = await api(server, owner.token).get(`/api/v2/workspacebuilds/${done.id}/parameters`);
    expect(params.body).toEqual([{ name: 'cpu', value: '4' }, { name: 'region', value: 'eu' }]);
  });

  it('validates names: reserved, malformed and taken (any case) names are refused naming the field', async () => {
    await running('taken');
    const dup = await create({ name: 'TAKEN', template_id: template.id });
    expect(dup.status).toBe(409);
    expect(dup.body.validations).toEqual([{ field: 'name', detail: expect.any(String) }]);
    for (const name of ['new', 'bad_name', 'a'.repeat(33), '-x']) {
      const res = await create({ name, template_id: template.id });
      expect(res.status).toBe(400);
      expect(res.body.validations.map((v: { field: string }) => v.field)).toEqual(['name']);
    }
  });

  it('names one template: by id or by version, not both, not neither, not an unknown one', async () => {
    const both = await create({ name: 'both', template_id: template.id, template_version_id: template.active_version_id });
    expect(both.status).toBe(400);
    const neither = await create({ name: 'neither' });
    expect(neither.status).toBe(400);
    const unknown = await create({ name: 'unknown', template_id: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.validations).toEqual([{ field: 'template_id', detail: expect.any(String) }]);
    const byVersion = await create({ name: 'by-version', template_version_id: template.active_version_id });
    expect(byVersion.status).toBe(201);
    expect(byVersion.body.template_id).toBe(template.id);
  });

  it('parameter problems are 400 with one validation per bad parameter, and nothing is created', async () => {
    const res = await create({
      name: 'bad-params',
      template_id: template.id,
      rich_parameter_values: [
        { name: 'cpu', value: '99' },
        { name: 'region', value: 'mars' },
        { name: 'nope', value: '1' },
      ],
    });
    expect(res.status).toBe(400);
    // As in Coder, a name the version does not declare is not read, so it is no problem.
    expect(res.body.validations.map((v: { field: string }) => v.field).sort()).toEqual(['cpu', 'region']);
    expect((await api(server, owner.token).get('/api/v2/users/me/workspace/bad-params')).status).toBe(404);
  });

  it('ignores values for names the version does not declare, and takes the first of a repeated name (as wsbuilder)', async () => {
    const ws = await running('extra-params', owner.token, {
      rich_parameter_values: [
        { name: 'nope', value: '1' },
        { name: 'cpu', value: '4' },
        { name: 'cpu', value: '6' },
      ],
    });
    const params = await api(server, owner.token).get(`/api/v2/workspacebuilds/${ws.latest_build.id}/parameters`);
    expect(params.body).toEqual([{ name: 'cpu', value: '4' }, { name: 'region', value: 'eu' }]);
  });

  it('stops and starts through builds numbered in order; parameters are resolved for every transition; an immutable parameter cannot change later', async () => {
    const ws = await running('cycle');
    // A stop resolves and validates the parameters given with it, as a start does (Coder's wsbuilder).
    const badStop = await api(server, owner.token).post(`/api/v2/workspaces/${ws.id}/builds`).send({ transition: 'stop', rich_parameter_values: [{ name: 'cpu', value: '99' }] });
    expect(badStop.status).toBe(400);
    expect(badStop.body.validations).toEqual([{ field: 'cpu', detail: expect.any(String) }]);
    const stopped = await build(ws, { transition: 'stop', rich_parameter_values: [{ name: 'cpu', value: '5' }] });
    expect(stopped).toMatchObject({ status: 'stopped', build_number: 2, transition: 'stop' });
    expect(stopped.resources.map((r) => r.name)).toEqual(['home']);
    const stopParams = await api(server, owner.token).get(`/api/v2/workspacebuilds/${stopped.id}/parameters`);
    expect(stopParams.body).toEqual([{ name: 'cpu', value: '5' }, { name: 'region', value: 'eu' }]);
    const immutable = await api(server, owner.token).post(`/api/v2/workspaces/${ws.id}/builds`).send({ transition: 'start', rich_parameter_values: [{ name: 'region', value: 'us' }] });
    expect(immutable.status).toBe(400);
    expect(immutable.body.validations).toEqual([{ field: 'region', detail: expect.stringContaining('not mutable') }]);
    const started = await build(ws, { transition: 'start', rich_parameter_values: [{ name: 'cpu', value: '3' }] });
    expect(started).toMatchObject({ status: 'running', build_number: 3 });
    const list = await api(server, owner.token).get(`/api/v2/workspaces/${ws.id}/builds`);
    expect(list.body.map((b: { build_number: number }) => b.build_number)).toEqual([3, 2, 1]);
    // Agents of earlier builds are retired when a later build completes.
    const first = list.body[2];
    expect(first.resources.find((r: { name: string }) => r.name === 'dev').agents ?? []).toEqual([]);
    const second = await api(server, owner.token).get(`/api/v2/users/me/workspace/cycle/builds/2`);
    expect(second.body).toMatchObject({ transition: 'stop', build_number: 2 });
    const params = await api(server, owner.token).get(`/api/v2/workspacebuilds/${started.id}/parameters`);
    expect(params.body).toEqual([{ name: 'cpu', value: '3' }, { name: 'region', value: 'eu' }]);
    expect((await api(server, owner.token).get(`/api/v2/users/me/workspace/cycle/builds/9`)).status).toBe(404);
  });

  it('deletes: the workspace is 410 by id afterwards unless include_deleted, leaves the list, and frees its name', async () => {
    const ws = await running('doomed');
    const deleted = await build(ws, { transition: 'delete' });
    expect(deleted.status).toBe('deleted');
    const gone = await api(server, owner.token).get(`/api/v2/workspaces/${ws.id}`);
    expect(gone.status).toBe(410);
    expect(gone.body.message).toContain('include_deleted=true');
    const shown = await api(server, owner.token).get(`/api/v2/workspaces/${ws.id}?include_deleted=true`);
    expect(shown.status).toBe(200);
    expect(shown.body.latest_build.status).toBe('deleted');
    // By name, as in Coder, a deleted workspace is simply not found unless asked for.
    expect((await api(server, owner.token).get('/api/v2/users/me/workspace/doomed')).status).toBe(404);
    expect((await api(server, owner.token).get('/api/v2/users/me/workspace/doomed?include_deleted=true')).body.id).toBe(ws.id);
    expect((await api(server, owner.token).get('/api/v2/workspaces?q=name:doomed')).body.count).toBe(0);
    expect((await api(server, owner.token).get('/api/v2/workspaces?q=name:doomed deleted:true')).body.count).toBe(1);
    const again = await api(server, owner.token).post(`/api/v2/workspaces/${ws.id}/builds`).send({ transition: 'start' });
    expect(again.status).toBe(409);
    expect((await create({ name: 'doomed', template_id: template.id })).status).toBe(201);
  });

  it('builds only versions of its template whose import succeeded', async () => {
    const ws = await running('versions');
    const failed = await createVersion(server, owner.token, owner.orgId, { outcomes: { import: { parse: { error: 'broken' } } } }, { template_id: template.id });
    await waitForImport(server, owner.token, failed.id);
    const res = await api(server, owner.token).post(`/api/v2/workspaces/${ws.id}/builds`).send({ transition: 'start', template_version_id: failed.id });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('failed');
    const other = await createTemplate(server, owner.token, owner.orgId, 'other', DOC);
    const foreign = await api(server, owner.token).post(`/api/v2/workspaces/${ws.id}/builds`).send({ transition: 'start', template_version_id: other.active_version_id });
    expect(foreign.status).toBe(400);
    expect(foreign.body.validations).toEqual([{ field: 'template_version_id', detail: expect.any(String) }]);
    const dry = await api(server, owner.token).post(`/api/v2/workspaces/${ws.id}/builds`).send({ transition: 'start', dry_run: true });
    expect(dry.status).toBe(400);
    const orphanStart = await api(server, owner.token).post(`/api/v2/workspaces/${ws.id}/builds`).send({ transition: 'start', orphan: true });
    expect(orphanStart.status).toBe(400);
    expect((await api(server, owner.token).post(`/api/v2/workspaces/${ws.id}/builds`).send({ transition: 'sideways' })).status).toBe(400);
  });

  it('marks a workspace outdated once another version is promoted, and filters on it', async () => {
    const t = await createTemplate(server, owner.token, owner.orgId, 'evolving', DOC);
    const res = await create({ name: 'old-one', template_id: t.id });
    await waitForBuild(server, owner.token, res.body.latest_build.id);
    const v2 = await createVersion(server, owner.token, owner.orgId, DOC, { template_id: t.id });
    await waitForImport(server, owner.token, v2.id);
    expect((await api(server, owner.token).patch(`/api/v2/templates/${t.id}/versions`).send({ id: v2.id })).status).toBe(200);
    const ws = (await api(server, owner.token).get(`/api/v2/workspaces/${res.body.id}`)).body;
    expect(ws.outdated).toBe(true);
    const outdated = await api(server, owner.token).get('/api/v2/workspaces?q=template:evolving outdated:true');
    expect(outdated.body.workspaces.map((w: Ws) => w.name)).toEqual(['old-one']);
    expect((await api(server, owner.token).get('/api/v2/workspaces?q=template:evolving outdated:false')).body.count).toBe(0);
    // A start without a version keeps the previous one; naming the new one updates the workspace.
    const updated = await build(ws, { transition: 'start', template_version_id: v2.id });
    expect(updated.status).toBe('running');
    expect((await api(server, owner.token).get(`/api/v2/workspaces/${ws.id}`)).body.outdated).toBe(false);
  });

  it('searches with Coder\'s filters, and refuses unknown ones naming them', async () => {
    const ws = await running('searchable');
    await build(ws, { transition: 'stop' });
    const q = async (query: string) => (await api(server, owner.token).get(`/api/v2/workspaces?q=${encodeURIComponent(query)}`)).body.workspaces.map((w: Ws) => w.name);
    expect(await q('searchable status:stopped')).toEqual(['searchable']);
    expect(await q('searchable status:running')).toEqual([]);
    expect(await q('owner:owner/searchable')).toEqual([]);
    expect(await q('owner/searchable')).toEqual(['searchable']);
    expect(await q('owner:me name:SEARCH template:docker')).toEqual(['searchable']);
    expect(await q('name:searchable has_external_agent:false')).toEqual(['searchable']);
    expect(await q('name:first has-agent:connecting')).toEqual(['first']);
    expect(await q('name:first has-agent:connected')).toEqual([]);
    expect(await q('name:searchable dormant:false')).toEqual(['searchable']);
    const bad = await api(server, owner.token).get(`/api/v2/workspaces?q=${encodeURIComponent('colour:blue status:sleepy outdated:maybe')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.validations.map((v: { field: string }) => v.field)).toEqual(['colour', 'status', 'outdated']);
  });

  it('pages the list with a total count; running workspaces come before stopped ones', async () => {
    const all = await api(server, owner.token).get('/api/v2/workspaces');
    expect(all.body.count).toBe(all.body.workspaces.length);
    const statuses = all.body.workspaces.map((w: Ws) => w.latest_build.status === 'running');
    expect(statuses).toEqual([...statuses].sort((a: boolean, b: boolean) => Number(b) - Number(a)));
    const page = await api(server, owner.token).get('/api/v2/workspaces?limit=2&offset=1');
    expect(page.body.count).toBe(all.body.count);
    expect(page.body.workspaces.map((w: Ws) => w.id)).toEqual(all.body.workspaces.slice(1, 3).map((w: Ws) => w.id));
    const past = await api(server, owner.token).get('/api/v2/workspaces?limit=2&offset=1000');
    expect(past.body).toEqual({ workspaces: [], count: all.body.count });
    // Past the end with filters that take parameters (the caller, a status) the total still holds.
    const mine = await api(server, owner.token).get(`/api/v2/workspaces?q=${encodeURIComponent('owner:me status:running')}`);
    const minePast = await api(server, owner.token).get(`/api/v2/workspaces?q=${encodeURIComponent('owner:me status:running')}&limit=2&offset=1000`);
    expect(mine.body.count).toBeGreaterThan(0);
    expect(minePast.body).toEqual({ workspaces: [], count: mine.body.count });
  });

  it('finds a workspace by its owner\'s new username once the owner is renamed', async () => {
    const renamed = await createUser(server, owner);
    const res = await create({ name: 'follows-owner', template_id: template.id }, renamed.token);
    await waitForBuild(server, renamed.token, res.body.latest_build.id);
    expect((await api(server, owner.token).put(`/api/v2/users/${renamed.id}/profile`).send({ username: 'new-handle' })).status).toBe(200);
    const q = async (query: string) => (await api(server, owner.token).get(`/api/v2/workspaces?q=${encodeURIComponent(query)}`)).body.workspaces.map((w: Ws) => w.owner_name);
    expect(await q('owner:NEW-HANDLE name:follows-owner')).toEqual(['new-handle']);
    expect(await q(`owner:${renamed.username} name:follows-owner`)).toEqual([]);
  });

  it('renames (204), refusing a taken name with 409', async () => {
    const ws = await running('before');
    await running('occupied');
    expect((await api(server, owner.token).patch(`/api/v2/workspaces/${ws.id}`).send({ name: 'occupied' })).status).toBe(409);
    expect((await api(server, owner.token).patch(`/api/v2/workspaces/${ws.id}`).send({ name: 'bad name' })).status).toBe(400);
    expect((await api(server, owner.token).patch(`/api/v2/workspaces/${ws.id}`).send({ name: 'after' })).status).toBe(204);
    expect((await api(server, owner.token).get('/api/v2/users/me/workspace/after')).body.id).toBe(ws.id);
  });

  it('stores the scheduling settings and answers them', async () => {
    const ws = await running('scheduled');
    const put = (path: string, body: object) => api(server, owner.token).put(`/api/v2/workspaces/${ws.id}/${path}`).send(body);
    expect((await put('autostart', { schedule: 'CRON_TZ=Europe/Berlin 30 9 * * 1-5' })).status).toBe(204);
    expect((await put('ttl', { ttl_ms: 7_200_000 })).status).toBe(204);
    expect((await put('autoupdates', { automatic_updates: 'always' })).status).toBe(204);
    let got = (await api(server, owner.token).get(`/api/v2/workspaces/${ws.id}`)).body;
    expect(got).toMatchObject({ autostart_schedule: 'CRON_TZ=Europe/Berlin 30 9 * * 1-5', ttl_ms: 7_200_000, automatic_updates: 'always' });
    expect(Date.parse(got.next_start_at)).toBeGreaterThan(Date.now());
    const badSchedule = await put('autostart', { schedule: 'CRON_TZ=Nowhere/Land 30 9 * * *' });
    expect(badSchedule.status).toBe(400);
    expect(badSchedule.body.validations).toEqual([{ field: 'schedule', detail: expect.any(String) }]);
    const badTtl = await put('ttl', { ttl_ms: 1000 });
    expect(badTtl.status).toBe(400);
    expect(badTtl.body.validations).toEqual([{ field: 'ttl_ms', detail: expect.any(String) }]);
    expect((await put('autoupdates', { automatic_updates: 'sometimes' })).status).toBe(400);

    const extended = new Date(Date.now() + 2 * 3_600_000).toISOString();
    const ext = await put('extend', { deadline: extended });
    expect(ext.status).toBe(200);
    got = (await api(server, owner.token).get(`/api/v2/workspaces/${ws.id}`)).body;
    expect(Date.parse(got.latest_build.deadline)).toBe(Date.parse(extended));
    expect((await put('extend', { deadline: new Date(Date.now() - 60_000).toISOString() })).status).toBe(400);
    expect((await put('ttl', { ttl_ms: null })).status).toBe(204);
    got = (await api(server, owner.token).get(`/api/v2/workspaces/${ws.id}`)).body;
    expect(got.ttl_ms).toBeUndefined();
    expect(got.latest_build.deadline).toBeUndefined();

    const dormant = await put('dormant', { dormant: true });
    expect(dormant.status).toBe(200);
    expect(Date.parse(dormant.body.dormant_at)).toBeGreaterThan(0);
    expect((await api(server, owner.token).get('/api/v2/workspaces?q=name:scheduled dormant:true')).body.count).toBe(1);
    const awake = await put('dormant', { dormant: false });
    expect(awake.body.dormant_at).toBeUndefined();
    expect((await put('autostart', {})).status).toBe(204);
    expect((await api(server, owner.token).get(`/api/v2/workspaces/${ws.id}`)).body.autostart_schedule).toBeUndefined();
  });

  it('serves build logs as JSON and text, timings, resources and (to template admins) the state', async () => {
    const ws = await running('observed');
    const buildId = ws.latest_build.id;
    const logs = await api(server, owner.token).get(`/api/v2/workspacebuilds/${buildId}/logs`);
    expect(logs.body.map((l: { output: string }) => l.output)).toContain('Container started');
    const after = await api(server, owner.token).get(`/api/v2/workspacebuilds/${buildId}/logs?after=${logs.body[0].id}`);
    expect(after.body).toHaveLength(logs.body.length - 1);
    const text = await api(server, owner.token).get(`/api/v2/workspacebuilds/${buildId}/logs?format=text`);
    expect(text.headers['content-type']).toContain('text/plain');
    expect(text.text).toContain('Container started');
    const timings = await api(server, owner.token).get(`/api/v2/workspacebuilds/${buildId}/timings`);
    expect(timings.body.provisioner_timings.map((t: { stage: string }) => t.stage)).toEqual(expect.arrayContaining(['plan', 'apply']));
    expect(timings.body.agent_connection_timings).toEqual([]);
    const resources = await api(server, owner.token).get(`/api/v2/workspacebuilds/${buildId}/resources`);
    expect(resources.body.map((r: { name: string }) => r.name).sort()).toEqual(['dev', 'home']);
    const state = await api(server, owner.token).get(`/api/v2/workspacebuilds/${buildId}/state`).buffer(true);
    expect(state.headers['content-type']).toContain('application/octet-stream');
    expect(JSON.parse(Buffer.from(state.body).toString())).toMatchObject({ transition: 'start' });
    expect((await api(server, owner.token).put(`/api/v2/workspacebuilds/${buildId}/state`).send({ state: Buffer.from('{"x":1}').toString('base64') })).status).toBe(204);
    expect(Buffer.from((await api(server, owner.token).get(`/api/v2/workspacebuilds/${buildId}/state`).buffer(true)).body).toString()).toBe('{"x":1}');
  });

  it('members own workspaces in their organizations; others\' are invisible to them', async () => {
    const mine = await create({ name: 'members-own', template_id: template.id }, member.token);
    expect(mine.status).toBe(201);
    expect(mine.body.owner_id).toBe(member.id);
    await waitForBuild(server, member.token, mine.body.latest_build.id);
    const ownerWs = (await api(server, owner.token).get('/api/v2/users/me/workspace/first')).body;
    expect((await api(server, member.token).get(`/api/v2/workspaces/${ownerWs.id}`)).status).toBe(404);
    expect((await api(server, member.token).post(`/api/v2/workspaces/${ownerWs.id}/builds`).send({ transition: 'stop' })).status).toBe(404);
    const list = await api(server, member.token).get('/api/v2/workspaces');
    expect(list.body.workspaces.map((w: Ws) => w.name)).toEqual(['members-own']);
    expect((await create({ name: 'for-owner', template_id: template.id }, member.token, 'owner')).status).toBe(403);
    expect((await api(server, member.token).get(`/api/v2/workspacebuilds/${mine.body.latest_build.id}/state`)).status).toBe(404);
    // The owner may create one for the member, in the member's organization.
    const forMember = await api(server, owner.token).post(`/api/v2/organizations/${owner.orgId}/members/${member.id}/workspaces`).send({ name: 'gift', template_id: template.id });
    expect(forMember.status).toBe(201);
    expect(forMember.body.owner_id).toBe(member.id);
  });

  it('20 workspaces created at once on the 3 built-in daemons: every build job is taken and run exactly once', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `burst-${i}`);
    const created = await Promise.all(names.map((name) => create({ name, template_id: template.id })));
    expect(created.map((r) => r.status)).toEqual(names.map(() => 201));
    const done = await Promise.all(created.map((r) => waitForBuild(server, owner.token, r.body.latest_build.id)));
    expect(done.map((b) => b.status)).toEqual(names.map(() => 'running'));
    const jobIds = created.map((r) => r.body.latest_build.job.id);
    const rows = await server.sql<{ id: string; worker_id: string; runs: number }>(
      `SELECT j.id, j.worker_id, (SELECT count(*)::int FROM provisioner_job_logs l WHERE l.job_id = j.id AND l.output = 'Container started') AS runs
       FROM provisioner_jobs j WHERE j.id = ANY($1::uuid[])`,
      [jobIds],
    );
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.runs === 1)).toBe(true);
    expect(new Set(rows.map((r) => r.worker_id)).size).toBeLessThanOrEqual(3);
    const resources = await server.sql<{ n: number }>(`SELECT count(*)::int AS n FROM workspace_resources WHERE job_id = ANY($1::uuid[])`, [jobIds]);
    expect(resources[0].n).toBe(40);
  });
});
