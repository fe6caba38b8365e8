import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../support/fixtures.js';
import { createVersion, waitForImport } from '../support/templates.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const DOC = { readme: 'templates spec', resources: [{ name: 'dev', type: 'docker_container', agents: [{ name: 'main' }] }] };

describe('templates', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
  });
  afterAll(() => server.close());

  async function importedVersion(doc: unknown = DOC): Promise<string> {
    const v = await createVersion(server, owner.token, owner.orgId, doc);
    expect((await waitForImport(server, owner.token, v.id)).job.status).toBe('succeeded');
    return v.id;
  }

  const create = (body: Record<string, unknown>, token = owner.token) => api(server, token).post(`/api/v2/organizations/${owner.orgId}/templates`).send(body);

  it('creates a template (201) from an imported version, which becomes its active version and part of it', async () => {
    const versionId = await importedVersion();
    const res = await create({ name: 'docker', display_name: 'Docker', description: 'Containers', template_version_id: versionId, default_ttl_ms: 3_600_000 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'docker',
      display_name: 'Docker',
      description: 'Containers',
      organization_id: owner.orgId,
      organization_name: 'coder',
      active_version_id: versionId,
      provisioner: 'echo',
      default_ttl_ms: 3_600_000,
      activity_bump_ms: 3_600_000,
      allow_user_cancel_workspace_jobs: true,
      deprecated: false,
      created_by_id: owner.id,
      created_by_name: 'owner',
    });
    expect(res.body.autostart_requirement.days_of_week).toHaveLength(7);
    const version = await api(server, owner.token).get(`/api/v2/templateversions/${versionId}`);
    expect(version.body.template_id).toBe(res.body.id);
    expect((await api(server, owner.token).get(`/api/v2/templates/${res.body.id}`)).body.id).toBe(res.body.id);
    expect((await api(server, owner.token).get(`/api/v2/organizations/${owner.orgId}/templates/DOCKER`)).body.id).toBe(res.body.id);
  });

  it('a duplicate name (any case) is 409 naming the field; a used or unknown version is refused', async () => {
    const first = await create({ name: 'dup', template_version_id: await importedVersion() });
    expect(first.status).toBe(201);
    const dup = await create({ name: 'DUP', template_version_id: await importedVersion() });
    expect(dup.status).toBe(409);
    expect(dup.body.validations).toEqual([{ field: 'name', detail: expect.any(String) }]);
    const reused = await create({ name: 'reused', template_version_id: first.body.active_version_id });
    expect(reused.status).toBe(400);
    expect((await create({ name: 'ghost', template_version_id: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
  });

  it('refuses a version whose import failed', async () => {
    const v = await createVersion(server, owner.token, owner.orgId, { outcomes: { import: { parse: { error: 'broken on purpose' } } } });
    expect((await waitForImport(server, owner.token, v.id)).job.status).toBe('failed');
    const res = await create({ name: 'broken', template_version_id: v.id });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('failed');
  });

  it('validates the body field by field', async () => {
    const res = await create({ name: 'bad name!', template_version_id: 'nope', default_ttl_ms: -1 });
    expect(res.status).toBe(400);
    expect(res.body.validations.map((v: { field: string }) => v.field).sort()).toEqual(['default_ttl_ms', 'name', 'template_version_id']);
  });

  it('members read templates through the Everyone group, unless it is disabled; they may not create them', async () => {
    const shared = await create({ name: 'shared', template_version_id: await importedVersion() });
    const hidden = await create({ name: 'hidden', template_version_id: await importedVersion(), disable_everyone_group_access: true });
    expect(hidden.status).toBe(201);
    expect((await api(server, member.token).get(`/api/v2/templates/${shared.body.id}`)).status).toBe(200);
    expect((await api(server, member.token).get(`/api/v2/templates/${hidden.body.id}`)).status).toBe(404);
    expect((await api(server, member.token).get(`/api/v2/templateversions/${shared.body.active_version_id}`)).status).toBe(200);
    const listed = (await api(server, member.token).get(`/api/v2/organizations/${owner.orgId}/templates`)).body.map((t: { name: string }) => t.name);
    expect(listed).toContain('shared');
    expect(listed).not.toContain('hidden');
    const all = (await api(server, owner.token).get('/api/v2/templates')).body.map((t: { name: string }) => t.name);
    expect(all).toEqual(expect.arrayContaining(['shared', 'hidden']));
    expect(all).toEqual([...all].sort());
    const denied = await create({ name: 'mine', template_version_id: await importedVersion() }, member.token);
    expect(denied.status).toBe(403);
  });
});
