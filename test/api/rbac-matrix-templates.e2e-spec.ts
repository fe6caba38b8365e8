// RBAC matrix for files, templates, template versions, provisioner daemons and jobs: each (route, actor) pair against the
// policy table. Templates are read through their ACL: the Everyone group (every member of the
// organization) may read and use them; org admins and owners act on them.
import { afterAll, beforeAll, describe } from '@jest/globals';
import { api, createFirstUser } from '../support/fixtures.js';
import { ALL_ACTORS, createWorld, defineMatrix, runMatrix, type RouteCase, type World } from '../support/rbac-matrix.js';
import { createVersion, templateTar, uploadFile, waitForImport } from '../support/templates.js';
import { startTestServer } from '../support/test-server.js';

const matrix = defineMatrix(ALL_ACTORS);
const { row } = matrix;
const DOC = { resources: [{ name: 'dev', type: 'docker_container', agents: [{ name: 'main' }] }] };

interface Target {
  fileId?: string;
  versionId?: string;
  templateId?: string;
}

let seq = 0;

/** A version of the default organization whose import succeeded (made by the owner). */
async function importedVersion(w: World): Promise<string> {
  const v = await createVersion(w.server, w.owner.token, w.defaultOrg, { ...DOC, readme: `matrix ${++seq}` });
  const done = await waitForImport(w.server, w.owner.token, v.id);
  if (done.job.status !== 'succeeded') throw new Error(`arrange: import ${done.job.status}: ${done.job.error}`);
  return v.id;
}

/** A template shared with the Everyone group, with its active version. */
async function template(w: World): Promise<Target> {
  const versionId = await importedVersion(w);
  const res = await api(w.server, w.owner.token).post(`/api/v2/organizations/${w.defaultOrg}/templates`).send({ name: `matrix-${++seq}`, template_version_id: versionId });
  if (res.status !== 201) throw new Error(`arrange: create template failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { templateId: res.body.id, versionId };
}

const one = async (w: World, sql: string, params: unknown[]) => (await w.server.sql(sql, params)).length > 0;

let shared: Promise<Target> | undefined;
const sharedTemplate = (w: World) => (shared ??= template(w));

const ROUTES: RouteCase<World, Target>[] = [
  {
    // A file is its uploader's; only the owner reads everyone's (template admins too, not in this matrix).
    route: 'GET /files/{owner file}',
    arrange: async (w) => ({ fileId: await uploadFile(w.server, w.owner.token, templateTar({ readme: `file ${++seq}` })) }),
    request: (_w, t) => ({ method: 'get', path: `/api/v2/files/${t.fileId}` }),
    expect: row('2xx', '404', '404', '404', '404', '404', '404', '401'),
  },
  {
    route: 'GET /templates/{shared}',
    arrange: sharedTemplate,
    request: (_w, t) => ({ method: 'get', path: `/api/v2/templates/${t.templateId}` }),
    expect: row('2xx', '2xx', '2xx', '2xx', '2xx', '2xx', '404', '401'),
  },
  {
    route: 'GET /organizations/{org}/templates',
    arrange: sharedTemplate,
    request: (w) => ({ method: 'get', path: `/api/v2/organizations/${w.defaultOrg}/templates` }),
    contains: (body, t) => (body as Array<{ id: string }>).some((x) => x.id === t.templateId),
    expect: row('2xx+', '2xx+', '2xx+', '2xx+', '2xx+', '2xx+', '404', '401'),
  },
  {
    route: 'GET /templates (all organizations)',
    arrange: sharedTemplate,
    request: () => ({ method: 'get', path: '/api/v2/templates' }),
    contains: (body, t) => (body as Array<{ id: string }>).some((x) => x.id === t.templateId),
    expect: row('2xx+', '2xx+', '2xx+', '2xx+', '2xx+', '2xx+', '2xx-', '401'),
  },
  {
    route: 'GET /templateversions/{shared active version}',
    arrange: sharedTemplate,
    request: (_w, t) => ({ method: 'get', path: `/api/v2/templateversions/${t.versionId}` }),
    expect: row('2xx', '2xx', '2xx', '2xx', '2xx', '2xx', '404', '401'),
  },
  {
    route: 'POST /organizations/{org}/templates',
    arrange: async (w) => ({ versionId: await importedVersion(w) }),
    request: (w, t) => ({ method: 'post', path: `/api/v2/organizations/${w.defaultOrg}/templates`, body: { name: `made-${++seq}`, template_version_id: t.versionId } }),
    happened: (w, t) => one(w, 'SELECT 1 FROM templates WHERE active_version_id = $1', [t.versionId]),
    expect: row('2xx', '403', '2xx', '403', '403', '403', '404', '401'),
  },
  {
    route: 'PATCH /templates/{t}/versions (promote)',
    arrange: async (w) => {
      const t = await template(w);
      const next = await createVersion(w.server, w.owner.token, w.defaultOrg, DOC, { template_id: t.templateId });
      await waitForImport(w.server, w.owner.token, next.id);
      return { templateId: t.templateId, versionId: next.id };
    },
    request: (_w, t) => ({ method: 'patch', path: `/api/v2/templates/${t.templateId}/versions`, body: { id: t.versionId } }),
    happened: (w, t) => one(w, 'SELECT 1 FROM templates WHERE id = $1 AND active_version_id = $2', [t.templateId, t.versionId]),
    expect: row('2xx', '403', '2xx', '403', '403', '403', '404', '401'),
  },
  {
    route: 'PATCH /templates/{t} (settings)',
    arrange: template,
    request: (_w, t) => ({ method: 'patch', path: `/api/v2/templates/${t.templateId}`, body: { description: `changed ${t.templateId}` } }),
    happened: (w, t) => one(w, 'SELECT 1 FROM templates WHERE id = $1 AND description = $2', [t.templateId, `changed ${t.templateId}`]),
    expect: row('2xx', '403', '2xx', '403', '403', '403', '404', '401'),
  },
  {
    route: 'GET /templateversions/{shared active version}/variables',
    arrange: sharedTemplate,
    request: (_w, t) => ({ method: 'get', path: `/api/v2/templateversions/${t.versionId}/variables` }),
    expect: row('2xx', '2xx', '2xx', '2xx', '2xx', '2xx', '404', '401'),
  },
  {
    route: 'DELETE /templates/{t}',
    arrange: template,
    request: (_w, t) => ({ method: 'delete', path: `/api/v2/templates/${t.templateId}` }),
    happened: (w, t) => one(w, 'SELECT 1 FROM templates WHERE id = $1 AND deleted', [t.templateId]),
    expect: row('2xx', '403', '2xx', '403', '403', '403', '404', '401'),
  },
  {
    // Every member of the organization may see its daemons.
    route: 'GET /organizations/{org}/provisionerdaemons',
    arrange: async () => ({}),
    request: (w) => ({ method: 'get', path: `/api/v2/organizations/${w.defaultOrg}/provisionerdaemons` }),
    expect: row('2xx', '2xx', '2xx', '2xx', '2xx', '2xx', '404', '401'),
  },
  {
    // The queue needs provisioner_jobs:read in the organization: owners and org admins.
    route: 'GET /organizations/{org}/provisionerjobs',
    arrange: sharedTemplate,
    request: (w) => ({ method: 'get', path: `/api/v2/organizations/${w.defaultOrg}/provisionerjobs` }),
    expect: row('2xx', '404', '2xx', '404', '404', '404', '404', '401'),
  },
];

describe('RBAC matrix: files, templates, template versions, provisioners', () => {
  let w: World;

  beforeAll(async () => {
    const server = await startTestServer();
    const owner = await createFirstUser(server);
    w = await createWorld(server, owner, ALL_ACTORS);
  });
  afterAll(() => w?.server.close());

  runMatrix(matrix, ROUTES, () => w);
});
