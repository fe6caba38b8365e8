// RBAC matrix for workspaces and workspace builds: each (route, actor) pair against the policy table
// (libs/rbac/src/roles.ts). A workspace is its owner's: organization-member grants every workspace
// action on one's own workspaces only; org admins and owners act on every workspace of the
// organization; no other role (user-admin, org-user-admin, auditor) may even read one, so for them a
// workspace does not exist (404). The provisioner state is for template administrators only (in
// Coder, anyone else is answered 404, as if the build had none). List routes also assert whether the
// target is listed; mutations assert from the database that the change happened exactly when the
// answer was 2xx. Every mutating case gets a fresh workspace, built before the request.
import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../support/fixtures.js';
import { ALL_ACTORS, createWorld, defineMatrix, runMatrix, type Actor, type RouteCase, type World as MatrixWorld } from '../support/rbac-matrix.js';
import { createTemplate, waitForBuild } from '../support/templates.js';
import { startTestServer } from '../support/test-server.js';

const matrix = defineMatrix(ALL_ACTORS);
const { row } = matrix;
const DOC = { resources: [{ name: 'dev', type: 'null_resource' }] };
const SCHEDULE = 'CRON_TZ=UTC 30 9 * * 1-5';

interface Target {
  workspaceId: string;
  name: string;
  ownerId: string;
  ownerName: string;
  buildId: string;
  jobId: string;
  /** A value the request will write (a new name, a deadline, a state). */
  value?: string;
}

interface World extends MatrixWorld {
  /** A plain member of the default organization who is none of the actors. */
  bystander: TestUser;
  /** Builds quickly; its workspaces stop on their own after two hours, so `extend` has a deadline to move. */
  templateId: string;
  /** Its builds are tagged for a daemon that does not exist, so they stay pending (to be cancelled). */
  queuedTemplateId: string;
  /** A running workspace of the `member` actor. */
  mine: Target;
  /** A running workspace of the bystander. */
  theirs: Target;
}

let seq = 0;

interface WorkspaceBody {
  id: string;
  name: string;
  latest_build: { id: string; job: { id: string } };
}

/** A workspace of `owner` (made with its own session); its first build has ended unless `wait` is false. */
async function workspace(w: MatrixWorld, owner: TestUser | FirstUser, templateId: string, wait = true): Promise<Target> {
  const name = `ws-${++seq}`;
  const res = await api(w.server, owner.token).post('/api/v2/users/me/workspaces').send({ name, template_id: templateId });
  if (res.status !== 201) throw new Error(`arrange: create workspace failed: ${res.status} ${JSON.stringify(res.body)}`);
  const body = res.body as WorkspaceBody;
  if (wait) {
    const build = await waitForBuild(w.server, owner.token, body.latest_build.id);
    if (build.status !== 'running') throw new Error(`arrange: first build ${build.status}: ${build.job.error}`);
  }
  return { workspaceId: body.id, name, ownerId: owner.id, ownerName: owner.username, buildId: body.latest_build.id, jobId: body.latest_build.job.id };
}

/** Posts a build as the workspace's owner and waits for it to end. */
async function transition(w: World, owner: TestUser | FirstUser, t: Target, to: 'start' | 'stop'): Promise<Target> {
  const res = await api(w.server, owner.token).post(`/api/v2/workspaces/${t.workspaceId}/builds`).send({ transition: to });
  if (res.status !== 201) throw new Error(`arrange: ${to} failed: ${res.status} ${JSON.stringify(res.body)}`);
  const build = await waitForBuild(w.server, owner.token, res.body.id);
  if (build.job.status !== 'succeeded') throw new Error(`arrange: ${to} build ${build.status}: ${build.job.error}`);
  return { ...t, buildId: res.body.id, jobId: res.body.job.id };
}

const membersWorkspace = (w: World) => workspace(w, w.actors.member, w.templateId);
const mine = async (w: World) => w.mine;
const theirs = async (w: World) => w.theirs;
const one = async (w: World, sql: string, params: unknown[]) => (await w.server.sql(sql, params)).length === 1;
const ws = (t: Target, rest = '') => `/api/v2/workspaces/${t.workspaceId}${rest}`;
const build = (t: Target, rest = '') => `/api/v2/workspacebuilds/${t.buildId}${rest}`;
const builtWith = (w: World, t: Target, transitionName: string, buildNumber: number) =>
  one(w, 'SELECT 1 FROM workspace_builds WHERE workspace_id = $1 AND transition = $2 AND build_number = $3', [t.workspaceId, transitionName, buildNumber]);

// Who may read (and so act on) a workspace: the owner, the organization's admins, and the workspace's owner.
//                                  owner   user-admin org-admin org-user-admin auditor member other-org anonymous
const othersWorkspace = row('2xx', '404', '2xx', '404', '404', '404', '404', '401');
const ownWorkspace = row('2xx', '404', '2xx', '404', '404', '2xx', '404', '401');

const ROUTES: Array<RouteCase<World, Target>> = [
  // ---- reading ----
  {
    route: 'GET /workspaces/{another member\'s}',
    arrange: theirs,
    request: (_w, t) => ({ method: 'get', path: ws(t) }),
    check: (res, t, outcome) => {
      if (outcome === '2xx') expect(res.body).toMatchObject({ id: t.workspaceId, owner_id: t.ownerId });
    },
    expect: othersWorkspace,
  },
  {
    route: 'GET /workspaces/{the member\'s own}',
    arrange: mine,
    request: (_w, t) => ({ method: 'get', path: ws(t) }),
    check: (res, t, outcome) => {
      if (outcome === '2xx') expect(res.body).toMatchObject({ id: t.workspaceId, owner_id: t.ownerId });
    },
    expect: ownWorkspace,
  },
  {
    route: 'GET /users/{user}/workspace/{name} (another member\'s)',
    arrange: theirs,
    request: (_w, t) => ({ method: 'get', path: `/api/v2/users/${t.ownerName}/workspace/${t.name}` }),
    check: (res, t, outcome) => {
      if (outcome === '2xx') expect(res.body.id).toBe(t.workspaceId);
    },
    expect: othersWorkspace,
  },
  {
    route: 'GET /users/{user}/workspace/{name} (the member\'s own)',
    arrange: mine,
    request: (_w, t) => ({ method: 'get', path: `/api/v2/users/${t.ownerName}/workspace/${t.name}` }),
    check: (res, t, outcome) => {
      if (outcome === '2xx') expect(res.body.id).toBe(t.workspaceId);
    },
    expect: ownWorkspace,
  },
  {
    // Filtered by read: everyone signed in is answered, but sees only what it may read.
    route: 'GET /workspaces (another member\'s listed?)',
    arrange: theirs,
    request: () => ({ method: 'get', path: '/api/v2/workspaces' }),
    contains: (body, t) => (body as { workspaces: Array<{ id: string }> }).workspaces.some((x) => x.id === t.workspaceId),
    expect: row('2xx+', '2xx-', '2xx+', '2xx-', '2xx-', '2xx-', '2xx-', '401'),
  },
  {
    route: 'GET /workspaces (the member\'s own listed?)',
    arrange: mine,
    request: () => ({ method: 'get', path: '/api/v2/workspaces' }),
    contains: (body, t) => (body as { workspaces: Array<{ id: string }> }).workspaces.some((x) => x.id === t.workspaceId),
    expect: row('2xx+', '2xx-', '2xx+', '2xx-', '2xx-', '2xx+', '2xx-', '401'),
  },
  {
    route: 'GET /workspaces/{another member\'s}/builds',
    arrange: theirs,
    request: (_w, t) => ({ method: 'get', path: ws(t, '/builds') }),
    contains: (body, t) => (body as Array<{ id: string }>).some((b) => b.id === t.buildId),
    expect: row('2xx+', '404', '2xx+', '404', '404', '404', '404', '401'),
  },
  {
    route: 'GET /workspaces/{the member\'s own}/builds',
    arrange: mine,
    request: (_w, t) => ({ method: 'get', path: ws(t, '/builds') }),
    contains: (body, t) => (body as Array<{ id: string }>).some((b) => b.id === t.buildId),
    expect: row('2xx+', '404', '2xx+', '404', '404', '2xx+', '404', '401'),
  },
  {
    route: 'GET /workspacebuilds/{another member\'s}',
    arrange: theirs,
    request: (_w, t) => ({ method: 'get', path: build(t) }),
    check: (res, t, outcome) => {
      if (outcome === '2xx') expect(res.body).toMatchObject({ id: t.buildId, workspace_id: t.workspaceId });
    },
    expect: othersWorkspace,
  },
  {
    route: 'GET /workspacebuilds/{the member\'s own}',
    arrange: mine,
    request: (_w, t) => ({ method: 'get', path: build(t) }),
    check: (res, t, outcome) => {
      if (outcome === '2xx') expect(res.body).toMatchObject({ id: t.buildId, workspace_id: t.workspaceId });
    },
    expect: ownWorkspace,
  },
  {
    route: 'GET /users/{user}/workspace/{name}/builds/1 (another member\'s)',
    arrange: theirs,
    request: (_w, t) => ({ method: 'get', path: `/api/v2/users/${t.ownerName}/workspace/${t.name}/builds/1` }),
    check: (res, t, outcome) => {
      if (outcome === '2xx') expect(res.body).toMatchObject({ id: t.buildId, build_number: 1 });
    },
    expect: othersWorkspace,
  },
  {
    route: 'GET /workspacebuilds/{another member\'s}/logs',
    arrange: theirs,
    request: (_w, t) => ({ method: 'get', path: build(t, '/logs') }),
    check: (res, _t, outcome) => {
      if (outcome === '2xx') expect(Array.isArray(res.body) && res.body.length > 0).toBe(true);
    },
    expect: othersWorkspace,
  },
  {
    route: 'GET /workspacebuilds/{the member\'s own}/logs',
    arrange: mine,
    request: (_w, t) => ({ method: 'get', path: build(t, '/logs') }),
    check: (res, _t, outcome) => {
      if (outcome === '2xx') expect(Array.isArray(res.body) && res.body.length > 0).toBe(true);
    },
    expect: ownWorkspace,
  },
  {
    route: 'GET /workspacebuilds/{another member\'s}/resources',
    arrange: theirs,
    request: (_w, t) => ({ method: 'get', path: build(t, '/resources') }),
    check: (res, _t, outcome) => {
      if (outcome === '2xx') expect((res.body as Array<{ name: string }>).map((r) => r.name)).toContain('dev');
    },
    expect: othersWorkspace,
  },
  {
    route: 'GET /workspacebuilds/{another member\'s}/parameters',
    arrange: theirs,
    request: (_w, t) => ({ method: 'get', path: build(t, '/parameters') }),
    check: (res, _t, outcome) => {
      if (outcome === '2xx') expect(res.body).toEqual([]);
    },
    expect: othersWorkspace,
  },
  {
    route: 'GET /workspacebuilds/{another member\'s}/timings',
    arrange: theirs,
    request: (_w, t) => ({ method: 'get', path: build(t, '/timings') }),
    check: (res, _t, outcome) => {
      if (outcome === '2xx') expect(res.body).toHaveProperty('provisioner_timings');
    },
    expect: othersWorkspace,
  },
  {
    // Template update is needed (owner, org admin). Coder answers everyone else 404
    // (workspacebuilds.go: httpapi.ResourceNotFound when the template may not be updated).
    route: 'GET /workspacebuilds/{the member\'s own}/state',
    arrange: mine,
    request: (_w, t) => ({ method: 'get', path: build(t, '/state') }),
    expect: row('2xx', '404', '2xx', '404', '404', '404', '404', '401'),
  },

  // ---- creating ----
  {
    // workspace:create with the bystander as owner: owner and org admin. The admins who may read the
    // membership are refused with 403; Coder resolves the organization first, so outsiders get 404.
    route: 'POST /organizations/{org}/members/{another member}/workspaces',
    arrange: async (w) => ({ workspaceId: '', name: `made-${++seq}`, ownerId: w.bystander.id, ownerName: w.bystander.username, buildId: '', jobId: '' }),
    request: (w, t) => ({ method: 'post', path: `/api/v2/organizations/${w.defaultOrg}/members/${t.ownerId}/workspaces`, body: { name: t.name, template_id: w.templateId } }),
    happened: (w, t) => one(w, 'SELECT 1 FROM workspaces WHERE owner_id = $1 AND name = $2', [t.ownerId, t.name]),
    expect: row('2xx', '403', '2xx', '403', '403', '403', '404', '401'),
  },
  {
    // The same without the organization: another organization's member may see neither the bystander
    // nor a membership of theirs, so for it the user does not exist (404, revealing nothing).
    route: 'POST /users/{another member}/workspaces',
    arrange: async (w) => ({ workspaceId: '', name: `made-${++seq}`, ownerId: w.bystander.id, ownerName: w.bystander.username, buildId: '', jobId: '' }),
    request: (w, t) => ({ method: 'post', path: `/api/v2/users/${t.ownerName}/workspaces`, body: { name: t.name, template_id: w.templateId } }),
    happened: (w, t) => one(w, 'SELECT 1 FROM workspaces WHERE owner_id = $1 AND name = $2', [t.ownerId, t.name]),
    expect: row('2xx', '403', '2xx', '403', '403', '403', '404', '401'),
  },
  {
    // Every member of the organization may create workspaces of its own.
    route: 'POST /organizations/{org}/members/me/workspaces',
    arrange: async (w, actor: Actor) => {
      const me = actor === 'anonymous' ? undefined : w.actors[actor];
      return { workspaceId: '', name: `own-${++seq}`, ownerId: me?.id ?? '', ownerName: me?.username ?? '', buildId: '', jobId: '' };
    },
    request: (w, t) => ({ method: 'post', path: `/api/v2/organizations/${w.defaultOrg}/members/me/workspaces`, body: { name: t.name, template_id: w.templateId } }),
    happened: (w, t) => one(w, 'SELECT 1 FROM workspaces WHERE owner_id = $1 AND name = $2', [t.ownerId || null, t.name]),
    expect: row('2xx', '2xx', '2xx', '2xx', '2xx', '2xx', '404', '401'),
  },

  // ---- builds (start, stop, delete, cancel, state) ----
  {
    route: 'POST /workspaces/{the member\'s own}/builds (stop)',
    arrange: membersWorkspace,
    request: (_w, t) => ({ method: 'post', path: ws(t, '/builds'), body: { transition: 'stop' } }),
    happened: (w, t) => builtWith(w, t, 'stop', 2),
    expect: ownWorkspace,
  },
  {
    route: 'POST /workspaces/{another member\'s}/builds (stop)',
    arrange: (w) => workspace(w, w.bystander, w.templateId),
    request: (_w, t) => ({ method: 'post', path: ws(t, '/builds'), body: { transition: 'stop' } }),
    happened: (w, t) => builtWith(w, t, 'stop', 2),
    expect: othersWorkspace,
  },
  {
    route: 'POST /workspaces/{the member\'s own, stopped}/builds (start)',
    arrange: async (w) => transition(w, w.actors.member, await membersWorkspace(w), 'stop'),
    request: (_w, t) => ({ method: 'post', path: ws(t, '/builds'), body: { transition: 'start' } }),
    happened: (w, t) => builtWith(w, t, 'start', 3),
    expect: ownWorkspace,
  },
  {
    // The delete build is followed to its end: the workspace must then be gone.
    route: 'POST /workspaces/{the member\'s own}/builds (delete)',
    arrange: membersWorkspace,
    request: (_w, t) => ({ method: 'post', path: ws(t, '/builds'), body: { transition: 'delete' } }),
    happened: async (w, t) => {
      const [b] = await w.server.sql<{ id: string }>(`SELECT id FROM workspace_builds WHERE workspace_id = $1 AND transition = 'delete'`, [t.workspaceId]);
      if (!b) return false;
      await waitForBuild(w.server, w.owner.token, b.id);
      return one(w, 'SELECT 1 FROM workspaces WHERE id = $1 AND deleted', [t.workspaceId]);
    },
    expect: ownWorkspace,
  },
  {
    // A pending job may always be cancelled by whoever may update the workspace.
    route: 'PATCH /workspacebuilds/{the member\'s own, pending}/cancel',
    arrange: (w) => workspace(w, w.actors.member, w.queuedTemplateId, false),
    request: (_w, t) => ({ method: 'patch', path: build(t, '/cancel') }),
    happened: (w, t) => one(w, 'SELECT 1 FROM provisioner_jobs WHERE id = $1 AND canceled_at IS NOT NULL', [t.jobId]),
    expect: ownWorkspace,
  },
  {
    // As GET: template administrators only; Coder answers everyone else 404.
    route: 'PUT /workspacebuilds/{the member\'s own}/state',
    arrange: async (w) => ({ ...(await membersWorkspace(w)), value: Buffer.from(`state ${++seq}`).toString('base64') }),
    request: (_w, t) => ({ method: 'put', path: build(t, '/state'), body: { state: t.value } }),
    happened: (w, t) => one(w, 'SELECT 1 FROM workspace_builds WHERE id = $1 AND provisioner_state = $2', [t.buildId, Buffer.from(t.value as string, 'base64')]),
    expect: row('2xx', '404', '2xx', '404', '404', '404', '404', '401'),
  },

  // ---- settings (workspace:update) ----
  {
    route: 'PATCH /workspaces/{the member\'s own} (rename)',
    arrange: async (w) => ({ ...(await membersWorkspace(w)), value: `renamed-${++seq}` }),
    request: (_w, t) => ({ method: 'patch', path: ws(t), body: { name: t.value } }),
    happened: (w, t) => one(w, 'SELECT 1 FROM workspaces WHERE id = $1 AND name = $2', [t.workspaceId, t.value]),
    expect: ownWorkspace,
  },
  {
    route: 'PATCH /workspaces/{another member\'s} (rename)',
    arrange: async (w) => ({ ...(await workspace(w, w.bystander, w.templateId)), value: `renamed-${++seq}` }),
    request: (_w, t) => ({ method: 'patch', path: ws(t), body: { name: t.value } }),
    happened: (w, t) => one(w, 'SELECT 1 FROM workspaces WHERE id = $1 AND name = $2', [t.workspaceId, t.value]),
    expect: othersWorkspace,
  },
  {
    route: 'PUT /workspaces/{the member\'s own}/autostart',
    arrange: membersWorkspace,
    request: (_w, t) => ({ method: 'put', path: ws(t, '/autostart'), body: { schedule: SCHEDULE } }),
    happened: (w, t) => one(w, 'SELECT 1 FROM workspaces WHERE id = $1 AND autostart_schedule = $2', [t.workspaceId, SCHEDULE]),
    expect: ownWorkspace,
  },
  {
    route: 'PUT /workspaces/{the member\'s own}/ttl',
    arrange: membersWorkspace,
    request: (_w, t) => ({ method: 'put', path: ws(t, '/ttl'), body: { ttl_ms: 3_600_000 } }),
    happened: (w, t) => one(w, 'SELECT 1 FROM workspaces WHERE id = $1 AND ttl = 3600000000000', [t.workspaceId]),
    expect: ownWorkspace,
  },
  {
    route: 'PUT /workspaces/{the member\'s own}/extend',
    arrange: async (w) => ({ ...(await membersWorkspace(w)), value: new Date(Date.now() + 3 * 3_600_000).toISOString() }),
    request: (_w, t) => ({ method: 'put', path: ws(t, '/extend'), body: { deadline: t.value } }),
    happened: (w, t) => one(w, 'SELECT 1 FROM workspace_builds WHERE id = $1 AND deadline = $2::timestamptz', [t.buildId, t.value]),
    expect: ownWorkspace,
  },
  {
    route: 'PUT /workspaces/{the member\'s own}/dormant',
    arrange: membersWorkspace,
    request: (_w, t) => ({ method: 'put', path: ws(t, '/dormant'), body: { dormant: true } }),
    happened: (w, t) => one(w, 'SELECT 1 FROM workspaces WHERE id = $1 AND dormant_at IS NOT NULL', [t.workspaceId]),
    expect: ownWorkspace,
  },
  {
    route: 'PUT /workspaces/{the member\'s own}/autoupdates',
    arrange: membersWorkspace,
    request: (_w, t) => ({ method: 'put', path: ws(t, '/autoupdates'), body: { automatic_updates: 'always' } }),
    happened: (w, t) => one(w, `SELECT 1 FROM workspaces WHERE id = $1 AND automatic_updates = 'always'`, [t.workspaceId]),
    expect: ownWorkspace,
  },
];

describe('RBAC matrix: workspaces and workspace builds', () => {
  let w: World;

  beforeAll(async () => {
    const server = await startTestServer();
    const owner = await createFirstUser(server);
    const world = await createWorld(server, owner, ALL_ACTORS);
    const bystander = await createUser(server, owner, { username: 'bystander' });
    const quick = await createTemplate(server, owner.token, owner.orgId, 'quick', DOC, { default_ttl_ms: 2 * 3_600_000 });
    const queued = await createTemplate(server, owner.token, owner.orgId, 'queued', DOC);
    // Builds inherit the tags of their version's import job: with a tag no daemon has, they stay pending.
    await server.sql(
      `UPDATE provisioner_jobs SET tags = tags || '{"matrix": "no-such-daemon"}'::jsonb WHERE id = (SELECT job_id FROM template_versions WHERE id = $1)`,
      [queued.active_version_id],
    );
    const partial = { ...world, bystander, templateId: quick.id, queuedTemplateId: queued.id } as World;
    w = { ...partial, mine: await workspace(partial, world.actors.member, quick.id), theirs: await workspace(partial, bystander, quick.id) };
  }, 120_000);
  afterAll(() => w?.server.close());

  runMatrix(matrix, ROUTES, () => w);
});
