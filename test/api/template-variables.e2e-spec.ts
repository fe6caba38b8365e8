// Template variables end to end: declared in the document, valued by the template author when the
// version is created, resolved by the import, shown (sensitive ones redacted) and substituted into
// what builds create. Also the version routes Coder keeps for old clients.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../support/fixtures.js';
import { createVersion, waitForBuild, waitForImport } from '../support/templates.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const DOC = {
  variables: [
    { name: 'region', description: 'Where workspaces run' },
    { name: 'cpus', type: 'number', default: 2 },
    { name: 'registry_token', sensitive: true, default: 'default-secret' },
  ],
  resources: [{ name: 'dev', type: 'docker_container', metadata: [{ key: 'placement', value: '${var.region}/${var.cpus}' }] }],
};

describe('template variables', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
  });
  afterAll(() => server.close());

  const get = (path: string, token = owner.token) => api(server, token).get(`/api/v2${path}`);
  const imported = async (doc: unknown, values?: Array<{ name: string; value: string }>) => {
    const v = await createVersion(server, owner.token, owner.orgId, doc, values ? { user_variable_values: values } : {});
    return waitForImport(server, owner.token, v.id);
  };

  it('the import resolves given values and defaults; sensitive values read as "*redacted*"', async () => {
    const v = await imported(DOC, [{ name: 'region', value: 'eu-west' }, { name: 'registry_token', value: 's3cr3t' }]);
    expect(v.job.status).toBe('succeeded');
    const res = await get(`/templateversions/${v.id}/variables`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { name: 'cpus', description: '', type: 'number', value: '2', default_value: '2', required: false, sensitive: false },
      { name: 'region', description: 'Where workspaces run', type: 'string', value: 'eu-west', default_value: '', required: true, sensitive: false },
      { name: 'registry_token', description: '', type: 'string', value: '*redacted*', default_value: '*redacted*', required: false, sensitive: true },
    ]);
    expect(JSON.stringify((await get(`/templateversions/${v.id}`)).body)).not.toContain('s3cr3t');
    // The import's dry resources already see the values.
    const resources = (await get(`/templateversions/${v.id}/resources`)).body as Array<{ metadata: Array<{ key: string; value: string }> }>;
    expect(resources[0].metadata).toEqual([expect.objectContaining({ key: 'placement', value: 'eu-west/2' })]);
  });

  it('a required variable without a value fails the import, naming it', async () => {
    const v = await imported(DOC);
    expect(v.job.status).toBe('failed');
    expect(v.job.error).toBe('Required template variables need values: region. Set them in user_variable_values.');
    expect((await get(`/templateversions/${v.id}/variables`)).status).toBe(400);
  });

  it('a value that does not fit the type fails the import; one for an undeclared variable is only warned about', async () => {
    const bad = await imported(DOC, [{ name: 'region', value: 'x' }, { name: 'cpus', value: 'many' }]);
    expect(bad.job.error).toBe('Variable "cpus": "many" is not a number.');
    const extra = await imported(DOC, [{ name: 'region', value: 'x' }, { name: 'retired', value: 'y' }]);
    expect(extra.job.status).toBe('succeeded');
    const logs = (await get(`/templateversions/${extra.id}/logs`)).body as Array<{ log_level: string; output: string }>;
    expect(logs).toContainEqual(expect.objectContaining({ log_level: 'warn', output: 'Value for undeclared variable "retired" ignored.' }));
  });

  it('builds substitute the values their version resolved', async () => {
    const v = await imported(DOC, [{ name: 'region', value: 'us-east' }, { name: 'cpus', value: '8' }]);
    const t = await api(server, owner.token).post(`/api/v2/organizations/${owner.orgId}/templates`).send({ name: 'with-vars', template_version_id: v.id });
    expect(t.status).toBe(201);
    const ws = await api(server, member.token).post('/api/v2/users/me/workspaces').send({ name: 'vars', template_id: t.body.id });
    expect(ws.status).toBe(201);
    const build = await waitForBuild(server, member.token, ws.body.latest_build.id);
    expect(build.status).toBe('running');
    const resources = (await get(`/workspacebuilds/${build.id}/resources`, member.token)).body as Array<{ metadata: Array<{ key: string; value: string }> }>;
    expect(resources[0].metadata).toEqual([expect.objectContaining({ key: 'placement', value: 'us-east/8' })]);
  });

  it('refuses malformed variable values and non-string tags field by field', async () => {
    const res = await api(server, owner.token)
      .post(`/api/v2/organizations/${owner.orgId}/templateversions`)
      .send({ storage_method: 'file', file_id: '00000000-0000-4000-8000-000000000000', provisioner: 'echo', user_variable_values: [{ name: 'a' }], tags: { gpu: true } });
    expect(res.status).toBe(400);
    expect(res.body.validations).toEqual(
      expect.arrayContaining([
        { field: 'user_variable_values.0.value', detail: expect.any(String) },
        { field: 'tags', detail: 'Must be an object of string values.' },
      ]),
    );
  });

  it('external-auth is empty for a template that declares none; the deprecated schema and parameters routes answer []', async () => {
    const v = await imported(DOC, [{ name: 'region', value: 'x' }]);
    for (const route of ['external-auth', 'schema', 'parameters']) {
      const res = await get(`/templateversions/${v.id}/${route}`);
      expect([route, res.status, res.body]).toEqual([route, 200, []]);
    }
    expect((await get('/templateversions/00000000-0000-4000-8000-000000000000/schema')).status).toBe(404);
  });

  it('a version that references an external auth provider answers as Coder does for one that is not configured', async () => {
    const v = await imported(DOC, [{ name: 'region', value: 'x' }]);
    await server.sql(`UPDATE template_versions SET external_auth_providers = '[{"id":"github"}]' WHERE id = $1`, [v.id]);
    const res = await get(`/templateversions/${v.id}/external-auth`);
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('The template version references a Git auth provider "github" that no longer exists.');
  });
});
