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

  describe('versions of a template', () => {
    async function templateWithVersions() {
      const first = await importedVersion();
      const t = await create({ name: `t-${first.slice(0, 8)}`, template_version_id: first });
      const second = await createVersion(server, owner.token, owner.orgId, DOC, { template_id: t.body.id, name: 'second' });
      await waitForImport(server, owner.token, second.id);
      const failed = await createVersion(server, owner.token, owner.orgId, { outcomes: { import: { plan: { error: 'no' } } } }, { template_id: t.body.id, name: 'failed' });
      await waitForImport(server, owner.token, failed.id);
      return { template: t.body as { id: string; active_version_id: string }, first, second: second.id, failed: failed.id };
    }

    it('lists them oldest first, pages them, and finds one by name; a duplicate name in the template is 409', async () => {
      const { template, first, second, failed } = await templateWithVersions();
      const list = await api(server, owner.token).get(`/api/v2/templates/${template.id}/versions`);
      expect(list.status).toBe(200);
      expect(list.body.map((v: { id: string }) => v.id)).toEqual([first, second, failed]);
      const page = await api(server, owner.token).get(`/api/v2/templates/${template.id}/versions?after_id=${first}&limit=1`);
      expect(page.body.map((v: { id: string }) => v.id)).toEqual([second]);
      const byName = await api(server, owner.token).get(`/api/v2/templates/${template.id}/versions/second`);
      expect(byName.body.id).toBe(second);
      expect((await api(server, owner.token).get(`/api/v2/templates/${template.id}/versions/none`)).status).toBe(404);
      const dup = await api(server, owner.token)
        .post(`/api/v2/organizations/${owner.orgId}/templateversions`)
        .send({ storage_method: 'file', file_id: (byName.body.job as { file_id: string }).file_id, provisioner: 'echo', template_id: template.id, name: 'second' });
      expect(dup.status).toBe(409);
      const renamed = await api(server, owner.token).patch(`/api/v2/templateversions/${second}`).send({ name: 'renamed', message: 'new message' });
      expect(renamed.body).toMatchObject({ name: 'renamed', message: 'new message' });
      expect((await api(server, owner.token).patch(`/api/v2/templateversions/${failed}`).send({ name: 'renamed' })).status).toBe(409);
    });

    it('promotes a succeeded version; a failed one is 403 and a foreign one 400', async () => {
      const { template, second, failed } = await templateWithVersions();
      const res = await api(server, owner.token).patch(`/api/v2/templates/${template.id}/versions`).send({ id: second });
      expect(res.status).toBe(200);
      expect((await api(server, owner.token).get(`/api/v2/templates/${template.id}`)).body.active_version_id).toBe(second);
      expect((await api(server, owner.token).patch(`/api/v2/templates/${template.id}/versions`).send({ id: failed })).status).toBe(403);
      const other = await importedVersion();
      expect((await api(server, owner.token).patch(`/api/v2/templates/${template.id}/versions`).send({ id: other })).status).toBe(400);
      expect((await api(server, member.token).patch(`/api/v2/templates/${template.id}/versions`).send({ id: second })).status).toBe(403);
    });

    it('archives failed versions in bulk, unused ones with all; never the active one', async () => {
      const { template, first, second, failed } = await templateWithVersions();
      const onlyFailed = await api(server, owner.token).post(`/api/v2/templates/${template.id}/versions/archive`).send({});
      expect(onlyFailed.status).toBe(200);
      expect(onlyFailed.body).toEqual({ template_id: template.id, archived_ids: [failed] });
      const all = await api(server, owner.token).post(`/api/v2/templates/${template.id}/versions/archive`).send({ all: true });
      expect(all.body.archived_ids).toEqual([second]);
      const listed = await api(server, owner.token).get(`/api/v2/templates/${template.id}/versions`);
      expect(listed.body.map((v: { id: string }) => v.id)).toEqual([first]);
      expect((await api(server, owner.token).get(`/api/v2/templates/${template.id}/versions?include_archived=true`)).body).toHaveLength(3);
      expect((await api(server, owner.token).post(`/api/v2/templateversions/${first}/archive`)).status).toBe(400);
      expect((await api(server, owner.token).post(`/api/v2/templateversions/${second}/unarchive`)).status).toBe(200);
      expect((await api(server, owner.token).get(`/api/v2/templateversions/${second}`)).body.archived).toBe(false);
      expect((await api(server, owner.token).patch(`/api/v2/templates/${template.id}/versions`).send({ id: failed })).status).toBe(400);
    });

    it('deletes a template once no live workspace uses it (soft: the name is free again)', async () => {
      const { template } = await templateWithVersions();
      const name = (await api(server, owner.token).get(`/api/v2/templates/${template.id}`)).body.name;
      expect((await api(server, member.token).delete(`/api/v2/templates/${template.id}`)).status).toBe(403);
      // A live workspace of the template blocks it (workspaces come from builds; the row is enough here).
      const [ws] = await server.sql<{ id: string }>(
        `INSERT INTO workspaces (id, owner_id, organization_id, template_id, name) VALUES (gen_random_uuid(), $1, $2, $3, 'blocker') RETURNING id`,
        [owner.id, owner.orgId, template.id],
      );
      const blocked = await api(server, owner.token).delete(`/api/v2/templates/${template.id}`);
      expect(blocked.status).toBe(400);
      expect(blocked.body.message).toBe('All workspaces must be deleted before a template can be removed.');
      await server.sql(`UPDATE workspaces SET deleted = true WHERE id = $1`, [ws.id]);
      const res = await api(server, owner.token).delete(`/api/v2/templates/${template.id}`);
      expect(res.status).toBe(200);
      expect((await api(server, owner.token).get(`/api/v2/templates/${template.id}`)).status).toBe(404);
      expect((await create({ name, template_version_id: await importedVersion() })).status).toBe(201);
    });
  });
});
