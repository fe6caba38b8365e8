// PATCH /templates/{id} and the `q` search on template lists, on a server without a license: the
// settings every edition has, Coder's validations and statuses, and the licensed fields ignored.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../support/fixtures.js';
import { createTemplate } from '../support/templates.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const DOC = { resources: [{ name: 'dev', type: 'docker_container' }] };

describe('template settings', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
    admin = await createUser(server, owner, { siteRoles: ['template-admin'] });
  });
  afterAll(() => server.close());

  const patch = (id: string, body: Record<string, unknown>, token = owner.token) => api(server, token).patch(`/api/v2/templates/${id}`).send(body);
  let seq = 0;
  const template = (name = `tpl-${++seq}`, extra: Record<string, unknown> = {}) => createTemplate(server, owner.token, owner.orgId, name, DOC, extra);

  it('changes the fields named, keeps the rest, and answers the template', async () => {
    const t = await template('settings-a', { display_name: 'A', description: 'first', default_ttl_ms: 3_600_000 });
    const res = await patch(t.id, { display_name: 'Alpha', icon: '/icon/go.svg', default_ttl_ms: 7_200_000, activity_bump_ms: 0, allow_user_cancel_workspace_jobs: false });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: t.id,
      name: 'settings-a',
      display_name: 'Alpha',
      description: 'first',
      icon: '/icon/go.svg',
      default_ttl_ms: 7_200_000,
      activity_bump_ms: 0,
      allow_user_cancel_workspace_jobs: false,
    });
    expect((await api(server, owner.token).get(`/api/v2/templates/${t.id}`)).body).toEqual(res.body);
  });

  it('renames; an empty name keeps it; a taken name (any case) is 409 naming the field', async () => {
    const t = await template('settings-b');
    await template('settings-taken');
    expect((await patch(t.id, { name: 'settings-b2' })).body.name).toBe('settings-b2');
    expect((await patch(t.id, { name: '', description: 'kept name' })).body).toMatchObject({ name: 'settings-b2', description: 'kept name' });
    const taken = await patch(t.id, { name: 'SETTINGS-TAKEN' });
    expect(taken.status).toBe(409);
    expect(taken.body).toEqual({ message: 'Template with name "SETTINGS-TAKEN" already exists.', validations: [{ field: 'name', detail: 'This value is already in use and should be unique.' }] });
    // A case-only rename of itself is not a conflict.
    expect((await patch(t.id, { name: 'Settings-B2' })).body.name).toBe('Settings-B2');
  });

  it('answers 304 with no body when nothing would change', async () => {
    const t = await template('settings-c', { description: 'same' });
    const res = await patch(t.id, { name: 'settings-c', description: 'same' });
    expect(res.status).toBe(304);
    expect(res.text ?? '').toBe('');
    const before = (await api(server, owner.token).get(`/api/v2/templates/${t.id}`)).body;
    expect((await patch(t.id, {})).status).toBe(304);
    expect((await api(server, owner.token).get(`/api/v2/templates/${t.id}`)).body.updated_at).toBe(before.updated_at);
  });

  it('refuses bad values with one validation per field, changing nothing', async () => {
    const t = await template('settings-d');
    const res = await patch(t.id, { name: 'bad name!', default_ttl_ms: -1, activity_bump_ms: 'soon', max_port_share_level: 'everyone', colour: 'red' });
    expect(res.status).toBe(400);
    expect(res.body.validations.map((v: { field: string }) => v.field).sort()).toEqual(['activity_bump_ms', 'colour', 'max_port_share_level', 'name']);
    const negative = await patch(t.id, { default_ttl_ms: -1 });
    expect(negative.status).toBe(400);
    expect(negative.body).toEqual({ message: 'Invalid request to update template metadata!', validations: [{ field: 'default_ttl_ms', detail: 'Must be a positive integer.' }] });
    expect((await api(server, owner.token).get(`/api/v2/templates/${t.id}`)).body.name).toBe('settings-d');
  });

  it('without a license, scheduling and access-control fields are ignored (as Coder\'s AGPL stores do) and port sharing cannot be restricted', async () => {
    const t = await template('settings-e');
    const res = await patch(t.id, {
      description: 'only this applies',
      allow_user_autostart: false,
      failure_ttl_ms: 60_000,
      time_til_dormant_ms: 120_000,
      autostop_requirement: { days_of_week: ['sunday'], weeks: 2 },
      require_active_version: true,
      deprecation_message: 'use another',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      description: 'only this applies',
      allow_user_autostart: true,
      failure_ttl_ms: 0,
      time_til_dormant_ms: 0,
      autostop_requirement: { days_of_week: [], weeks: 1 },
      require_active_version: false,
      deprecated: false,
      deprecation_message: '',
    });
    const ports = await patch(t.id, { max_port_share_level: 'public' });
    expect(ports.status).toBe(400);
    expect(ports.body.validations).toEqual([{ field: 'max_port_share_level', detail: 'Restricting port sharing level is an enterprise feature that is not enabled.' }]);
    expect((await patch(t.id, { cors_behavior: 'passthru', use_classic_parameter_flow: true, disable_module_cache: true })).body).toMatchObject({
      cors_behavior: 'passthru',
      use_classic_parameter_flow: true,
      disable_module_cache: true,
    });
  });

  it('disable_everyone_group_access takes the template away from plain members', async () => {
    const t = await template('settings-f');
    expect((await api(server, member.token).get(`/api/v2/templates/${t.id}`)).status).toBe(200);
    expect((await patch(t.id, { disable_everyone_group_access: true })).status).toBe(200);
    expect((await api(server, member.token).get(`/api/v2/templates/${t.id}`)).status).toBe(404);
  });

  it('members may read but not change a template (403); template admins may', async () => {
    const t = await template('settings-g');
    const res = await patch(t.id, { description: 'nope' }, member.token);
    expect(res.status).toBe(403);
    expect((await patch(t.id, { description: 'admin was here' }, admin.token)).body.description).toBe('admin was here');
    expect((await patch('00000000-0000-4000-8000-000000000000', { description: 'x' })).status).toBe(404);
  });
});

describe('template search', () => {
  let server: TestServer;
  let owner: FirstUser;
  let admin: TestUser;
  let ids: Record<string, string>;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await createFirstUser(server);
    admin = await createUser(server, owner, { siteRoles: ['template-admin'] });
    ids = {
      golang: (await createTemplate(server, owner.token, owner.orgId, 'golang', DOC, { display_name: 'Go Development' })).id,
      python: (await createTemplate(server, owner.token, owner.orgId, 'python', DOC, { display_name: 'Python' })).id,
      rust: (await createTemplate(server, admin.token, owner.orgId, 'rust_dev', DOC, { display_name: 'Rust' })).id,
    };
  });
  afterAll(() => server.close());

  const names = async (q: string, path = '/api/v2/templates') => {
    const res = await api(server, owner.token).get(path).query({ q });
    expect(res.status).toBe(200);
    return (res.body as Array<{ name: string }>).map((t) => t.name);
  };

  it.each<[string, string[]]>([
    ['', ['golang', 'python', 'rust_dev']],
    ['GO', ['golang']],
    ['development', ['golang']],
    ['name:_', ['rust_dev']],
    ['exact_name:golang', ['golang']],
    ['exact_name:gol', []],
    ['display_name:"go dev"', ['golang']],
    ['author:me', ['golang', 'python']],
    ['deprecated:false', ['golang', 'python', 'rust_dev']],
    ['deprecated:true', []],
    ['has_ai_task:false', ['golang', 'python', 'rust_dev']],
    ['has_external_agent:true', []],
    ['deleted:true', []],
  ])('q=%j', async (q, expected) => {
    expect(await names(q)).toEqual(expected);
  });

  it('author (by username or id), ids and organization narrow the list, also under an organization', async () => {
    expect(await names(`author:${admin.username}`)).toEqual(['rust_dev']);
    expect(await names(`author_id:${owner.id}`)).toEqual(['golang', 'python']);
    expect(await names(`ids:${ids.python},${ids.rust}`)).toEqual(['python', 'rust_dev']);
    expect(await names('organization:coder py')).toEqual(['python']);
    expect(await names('rust', `/api/v2/organizations/${owner.orgId}/templates`)).toEqual(['rust_dev']);
  });

  it('lists deleted templates with deleted:true', async () => {
    const gone = await createTemplate(server, owner.token, owner.orgId, 'gone', DOC);
    expect((await api(server, owner.token).delete(`/api/v2/templates/${gone.id}`)).status).toBe(200);
    const res = await api(server, owner.token).get('/api/v2/templates').query({ q: 'deleted:true' });
    expect(res.body).toEqual([expect.objectContaining({ id: gone.id, deleted: true })]);
  });

  it('a bad query is 400 with one validation per term', async () => {
    const res = await api(server, owner.token).get('/api/v2/templates').query({ q: 'colour:red deprecated:maybe' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      message: 'Invalid template search query.',
      validations: [
        { field: 'colour', detail: 'Query param "colour" is not a valid query param' },
        { field: 'deprecated', detail: 'Query param "deprecated" must be a valid boolean' },
      ],
    });
  });
});
