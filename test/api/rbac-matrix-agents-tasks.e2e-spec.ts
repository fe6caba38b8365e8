// RBAC matrix for the user-facing agent routes and for AI tasks: each (route, actor) pair against the
// policy table (libs/rbac/src/roles.ts).
//   - Agents (GET /workspaceagents/{id}, its logs, listening ports and connection info) are readable by
//     whoever may read their workspace: the workspace's owner, the organization's admins and owners;
//     for everyone else (user-admin, org-user-admin, auditor, another organization's member) the agent
//     does not exist (404). Targets: a running workspace of the `member` actor and one of a bystander,
//     each with one agent that has sent logs (and, for the listening ports, has just reported in).
//   - Tasks are the `task` resource, owned by their user in their organization: members manage their
//     own (member's user-level `*`), organization admins those of their organization (org-level `*`),
//     owners all (site `*`); no other role has any right on a task, so it does not exist for them
//     (404). Creating one for oneself needs task:create on one's own task in the template's
//     organization (every member of that organization); creating one for another user is for owners
//     and org admins. List routes assert whether the target task is listed; mutations (create, pause,
//     resume, delete) get a fresh task per case and assert from the database that the change happened
//     exactly when the answer was 2xx.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { asAgent, runningWorkspace } from '../support/agents.js';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../support/fixtures.js';
import { ALL_ACTORS, createWorld, defineMatrix, runMatrix, type Actor, type RouteCase, type World as MatrixWorld } from '../support/rbac-matrix.js';
import { createTemplate, waitForBuild } from '../support/templates.js';
import { startTestServer } from '../support/test-server.js';

const matrix = defineMatrix(ALL_ACTORS);
const { row } = matrix;
const LOG_SOURCE = '00000000-0000-4000-8000-00000000b001';

/** A template whose one agent has `token` and an app on port 8080 (left out of the listening ports). */
const agentDoc = (token: string) => ({
  resources: [{ name: 'dev', type: 'docker_container', agents: [{ name: 'main', token, apps: [{ slug: 'code', url: 'http://localhost:8080' }] }] }],
});

/** A template that runs AI tasks in app `claude` of its agent (tokens are random per build). */
const TASK_DOC = {
  ai_task: { app_slug: 'claude' },
  resources: [
    {
      name: 'dev',
      type: 'docker_container',
      agents: [{ name: 'main', apps: [{ slug: 'claude', url: 'http://localhost:3284', healthcheck: { url: 'http://localhost:3284/status', interval: 5, threshold: 3 } }] }],
    },
  ],
};

interface AgentTarget {
  agentId: string;
  /** The agent's token, for the calls that connect it. */
  token: string;
  workspaceId: string;
}

interface TaskTarget {
  id: string;
  name: string;
  ownerId: string;
  ownerName: string;
  workspaceId: string;
}

interface World extends MatrixWorld {
  /** A plain member of the default organization who is none of the actors. */
  bystander: TestUser;
  /** Running workspaces, one agent each. */
  myAgent: AgentTarget;
  theirAgent: AgentTarget;
  /** The active version of the AI-task template. */
  taskVersionId: string;
  /** Tasks whose first build has ended. */
  myTask: TaskTarget;
  theirTask: TaskTarget;
}

let seq = 0;

// Who may read (and so act on) a workspace, and so its agents: the owner, the organization's admins,
// and the workspace's owner (as in rbac-matrix-workspaces.e2e-spec.ts).
//                                  owner   user-admin org-admin org-user-admin auditor member other-org anonymous
const othersWorkspace = row('2xx', '404', '2xx', '404', '404', '404', '404', '401');
const ownWorkspace = row('2xx', '404', '2xx', '404', '404', '2xx', '404', '401');
// Who may read (and so act on) a task: the same three, from the task resource.
const othersTask = othersWorkspace;
const ownTask = ownWorkspace;

/** A running workspace of `user` with one agent, whose token answers for it. */
async function agentWorkspace(server: World['server'], owner: FirstUser, user: TestUser): Promise<AgentTarget> {
  const token = randomUUID();
  const w = await runningWorkspace(server, owner, user, `agents-${++seq}`, agentDoc(token));
  if (!w.agentId) throw new Error('arrange: the build has no agent');
  return { agentId: w.agentId, token, workspaceId: w.workspaceId };
}

/** Connects the agent (its first report) and reports its listening ports. */
async function connect(w: World, t: AgentTarget): Promise<AgentTarget> {
  const agent = asAgent(w.server, t.token);
  const lifecycle = await agent.post('report-lifecycle', { state: 'ready' });
  if (lifecycle.status !== 204) throw new Error(`arrange: report-lifecycle: ${lifecycle.status} ${JSON.stringify(lifecycle.body)}`);
  const ports = await agent.post('listening-ports', { ports: [{ process_name: 'node', network: 'tcp', port: 9000 }, { process_name: 'code-server', network: 'tcp', port: 8080 }] });
  if (ports.status !== 204) throw new Error(`arrange: listening-ports: ${ports.status} ${JSON.stringify(ports.body)}`);
  return t;
}

/** A task of `user` (made with its own session); its first build has ended unless `wait` is false. */
async function task(w: Pick<World, 'server' | 'taskVersionId'>, user: TestUser | FirstUser, wait = true): Promise<TaskTarget> {
  const name = `task-${++seq}`;
  const res = await api(w.server, user.token).post('/api/v2/tasks/me').send({ template_version_id: w.taskVersionId, input: 'Fix the flaky test', name });
  if (res.status !== 201) throw new Error(`arrange: create task failed: ${res.status} ${JSON.stringify(res.body)}`);
  const t: TaskTarget = { id: res.body.id, name, ownerId: user.id, ownerName: user.username, workspaceId: res.body.workspace_id };
  if (wait) {
    const [b] = await w.server.sql<{ id: string }>('SELECT id FROM workspace_builds WHERE workspace_id = $1 AND build_number = 1', [t.workspaceId]);
    const build = await waitForBuild(w.server, user.token, b.id);
    if (build.status !== 'running') throw new Error(`arrange: task build ${build.status}: ${build.job.error}`);
  }
  return t;
}

/** A task of `user` paused by its owner (the stop build has ended). */
async function pausedTask(w: World, user: TestUser | FirstUser): Promise<TaskTarget> {
  const t = await task(w, user);
  const res = await api(w.server, user.token).post(`/api/v2/tasks/me/${t.id}/pause`);
  if (res.status !== 202) throw new Error(`arrange: pause failed: ${res.status} ${JSON.stringify(res.body)}`);
  const build = await waitForBuild(w.server, user.token, res.body.workspace_build.id);
  if (build.status !== 'stopped') throw new Error(`arrange: pause build ${build.status}: ${build.job.error}`);
  return t;
}

const one = async (w: World, sql: string, params: unknown[]) => (await w.server.sql(sql, params)).length === 1;
const agentPath = (t: AgentTarget, rest = '') => `/api/v2/workspaceagents/${t.agentId}${rest}`;
const taskPath = (t: TaskTarget, by: 'id' | 'name' = 'id', rest = '') => `/api/v2/tasks/${t.ownerName}/${by === 'id' ? t.id : t.name}${rest}`;
const listed = (body: unknown, t: TaskTarget) => (body as { tasks: Array<{ id: string }> }).tasks.some((x) => x.id === t.id);
const builtWith = (w: World, t: TaskTarget, transition: string, buildNumber: number, reason: string) =>
  one(w, 'SELECT 1 FROM workspace_builds WHERE workspace_id = $1 AND transition = $2 AND build_number = $3 AND reason = $4', [t.workspaceId, transition, buildNumber, reason]);
const CONNECTION_INFO = { derp_map: { Regions: {} }, derp_force_websockets: false, disable_direct_connections: false, hostname_suffix: 'coder' };

const AGENT_ROUTES: Array<RouteCase<World, AgentTarget>> = [
  {
    route: 'GET /workspaceagents/{the member\'s own}',
    arrange: async (w) => w.myAgent,
    request: (_w, t) => ({ method: 'get', path: agentPath(t) }),
    check: (res, t, outcome) => {
      if (outcome === '2xx') expect(res.body).toMatchObject({ id: t.agentId, name: 'main' });
    },
    expect: ownWorkspace,
  },
  {
    route: 'GET /workspaceagents/{another member\'s}',
    arrange: async (w) => w.theirAgent,
    request: (_w, t) => ({ method: 'get', path: agentPath(t) }),
    check: (res, t, outcome) => {
      if (outcome === '2xx') expect(res.body).toMatchObject({ id: t.agentId, name: 'main' });
    },
    expect: othersWorkspace,
  },
  {
    route: 'GET /workspaceagents/{the member\'s own}/logs',
    arrange: async (w) => w.myAgent,
    request: (_w, t) => ({ method: 'get', path: agentPath(t, '/logs') }),
    check: (res, _t, outcome) => {
      if (outcome === '2xx') expect((res.body as Array<{ output: string }>).map((l) => l.output)).toEqual(['hello from the agent']);
    },
    expect: ownWorkspace,
  },
  {
    route: 'GET /workspaceagents/{another member\'s}/logs',
    arrange: async (w) => w.theirAgent,
    request: (_w, t) => ({ method: 'get', path: agentPath(t, '/logs') }),
    check: (res, _t, outcome) => {
      if (outcome === '2xx') expect((res.body as Array<{ output: string }>).map((l) => l.output)).toEqual(['hello from the agent']);
    },
    expect: othersWorkspace,
  },
  {
    // The agent is connected by its own report just before (a connection goes stale after 30 s).
    route: 'GET /workspaceagents/{the member\'s own}/listening-ports',
    arrange: (w) => connect(w, w.myAgent),
    request: (_w, t) => ({ method: 'get', path: agentPath(t, '/listening-ports') }),
    check: (res, _t, outcome) => {
      if (outcome === '2xx') expect(res.body).toEqual({ ports: [{ process_name: 'node', network: 'tcp', port: 9000 }] });
    },
    expect: ownWorkspace,
  },
  {
    route: 'GET /workspaceagents/{another member\'s}/listening-ports',
    arrange: (w) => connect(w, w.theirAgent),
    request: (_w, t) => ({ method: 'get', path: agentPath(t, '/listening-ports') }),
    check: (res, _t, outcome) => {
      if (outcome === '2xx') expect(res.body).toEqual({ ports: [{ process_name: 'node', network: 'tcp', port: 9000 }] });
    },
    expect: othersWorkspace,
  },
  {
    route: 'GET /workspaceagents/{the member\'s own}/connection',
    arrange: async (w) => w.myAgent,
    request: (_w, t) => ({ method: 'get', path: agentPath(t, '/connection') }),
    check: (res, _t, outcome) => {
      if (outcome === '2xx') expect(res.body).toEqual(CONNECTION_INFO);
    },
    expect: ownWorkspace,
  },
  {
    route: 'GET /workspaceagents/{another member\'s}/connection',
    arrange: async (w) => w.theirAgent,
    request: (_w, t) => ({ method: 'get', path: agentPath(t, '/connection') }),
    check: (res, _t, outcome) => {
      if (outcome === '2xx') expect(res.body).toEqual(CONNECTION_INFO);
    },
    expect: othersWorkspace,
  },
];

/** A task to be created by the request: its owner and name (no row yet). */
const toCreate = (owner: TestUser | FirstUser | undefined): TaskTarget => ({ id: '', name: `made-${++seq}`, ownerId: owner?.id ?? '', ownerName: owner?.username ?? '', workspaceId: '' });
const created = (w: World, t: TaskTarget) =>
  one(w, 'SELECT 1 FROM tasks t JOIN workspaces ws ON ws.id = t.workspace_id WHERE t.owner_id = $1 AND t.name = $2 AND ws.owner_id = $1', [t.ownerId || null, t.name]);
const deleted = async (w: World, t: TaskTarget) =>
  (await one(w, 'SELECT 1 FROM tasks WHERE id = $1 AND deleted_at IS NOT NULL', [t.id])) &&
  (await one(w, `SELECT 1 FROM workspace_builds WHERE workspace_id = $1 AND transition = 'delete' AND build_number = 2`, [t.workspaceId]));
const taskCheck = (res: { body: { id?: string; owner_id?: string } }, t: TaskTarget, outcome: string) => {
  if (outcome === '2xx') expect(res.body).toMatchObject({ id: t.id, owner_id: t.ownerId, name: t.name });
};

const TASK_ROUTES: Array<RouteCase<World, TaskTarget>> = [
  // ---- reading ----
  {
    // Filtered by task:read: everyone signed in is answered, but sees only what it may read.
    route: 'GET /tasks (the member\'s own listed?)',
    arrange: async (w) => w.myTask,
    request: () => ({ method: 'get', path: '/api/v2/tasks' }),
    contains: listed,
    expect: row('2xx+', '2xx-', '2xx+', '2xx-', '2xx-', '2xx+', '2xx-', '401'),
  },
  {
    route: 'GET /tasks (another member\'s listed?)',
    arrange: async (w) => w.theirTask,
    request: () => ({ method: 'get', path: '/api/v2/tasks' }),
    contains: listed,
    expect: row('2xx+', '2xx-', '2xx+', '2xx-', '2xx-', '2xx-', '2xx-', '401'),
  },
  {
    route: 'GET /tasks/{user}/{the member\'s own, by id}',
    arrange: async (w) => w.myTask,
    request: (_w, t) => ({ method: 'get', path: taskPath(t, 'id') }),
    check: taskCheck,
    expect: ownTask,
  },
  {
    route: 'GET /tasks/{user}/{another member\'s, by id}',
    arrange: async (w) => w.theirTask,
    request: (_w, t) => ({ method: 'get', path: taskPath(t, 'id') }),
    check: taskCheck,
    expect: othersTask,
  },
  {
    route: 'GET /tasks/{user}/{the member\'s own, by name}',
    arrange: async (w) => w.myTask,
    request: (_w, t) => ({ method: 'get', path: taskPath(t, 'name') }),
    check: taskCheck,
    expect: ownTask,
  },
  {
    route: 'GET /tasks/{user}/{another member\'s, by name}',
    arrange: async (w) => w.theirTask,
    request: (_w, t) => ({ method: 'get', path: taskPath(t, 'name') }),
    check: taskCheck,
    expect: othersTask,
  },

  // ---- creating ----
  {
    // task:create on one's own task in the template's organization: every member of it (member's
    // user-level `*` needs membership of the task's organization, so not another organization's member).
    // For that member the version does not exist (400, as an unknown version: the separate test
    // below the matrix compares the two answers).
    route: 'POST /tasks/me',
    arrange: async (w, actor: Actor) => toCreate(actor === 'anonymous' ? undefined : w.actors[actor]),
    request: (w, t) => ({ method: 'post', path: '/api/v2/tasks/me', body: { template_version_id: w.taskVersionId, input: 'Write the docs', name: t.name } }),
    happened: created,
    check: (res, t, outcome) => {
      if (outcome === '201') expect(res.body).toMatchObject({ name: t.name, owner_id: t.ownerId, workspace_name: t.name });
    },
    expect: row('201', '201', '201', '201', '201', '201', '400', '401'),
  },
  {
    // task:create with the bystander as owner: owners (site) and org admins (org level). Those who may
    // read the bystander (user-admin, org-user-admin, auditor: user:read; member: the organization's
    // memberships) are refused with 403. Another organization's member may read neither the
    // bystander nor any of its memberships: for it the user does not exist (404, as Coder's
    // ExtractOrganizationMembersParam answers).
    route: 'POST /tasks/{another member}',
    arrange: async (w) => toCreate(w.bystander),
    request: (w, t) => ({ method: 'post', path: `/api/v2/tasks/${t.ownerName}`, body: { template_version_id: w.taskVersionId, input: 'Write the docs', name: t.name } }),
    happened: created,
    check: (res, t, outcome) => {
      if (outcome === '201') expect(res.body).toMatchObject({ name: t.name, owner_id: t.ownerId });
    },
    expect: row('201', '403', '201', '403', '403', '403', '404', '401'),
  },

  // ---- pause, resume, delete (task:update / task:delete, and the right to build the workspace) ----
  {
    route: 'POST /tasks/{user}/{the member\'s own}/pause',
    arrange: (w) => task(w, w.actors.member),
    request: (_w, t) => ({ method: 'post', path: taskPath(t, 'id', '/pause') }),
    happened: (w, t) => builtWith(w, t, 'stop', 2, 'task_manual_pause'),
    check: (res, _t, outcome) => {
      if (outcome === '2xx') expect({ status: res.status, build: res.body.workspace_build }).toMatchObject({ status: 202, build: { transition: 'stop', reason: 'task_manual_pause' } });
    },
    expect: ownTask,
  },
  {
    route: 'POST /tasks/{user}/{another member\'s}/pause',
    arrange: (w) => task(w, w.bystander),
    request: (_w, t) => ({ method: 'post', path: taskPath(t, 'name', '/pause') }),
    happened: (w, t) => builtWith(w, t, 'stop', 2, 'task_manual_pause'),
    expect: othersTask,
  },
  {
    route: 'POST /tasks/{user}/{the member\'s own, paused}/resume',
    arrange: (w) => pausedTask(w, w.actors.member),
    request: (_w, t) => ({ method: 'post', path: taskPath(t, 'id', '/resume') }),
    happened: (w, t) => builtWith(w, t, 'start', 3, 'task_resume'),
    check: (res, _t, outcome) => {
      if (outcome === '2xx') expect({ status: res.status, build: res.body.workspace_build }).toMatchObject({ status: 202, build: { transition: 'start', reason: 'task_resume' } });
    },
    expect: ownTask,
  },
  {
    route: 'DELETE /tasks/{user}/{the member\'s own}',
    arrange: (w) => task(w, w.actors.member),
    request: (_w, t) => ({ method: 'delete', path: taskPath(t, 'id') }),
    happened: deleted,
    check: (res, _t, outcome) => {
      if (outcome === '2xx') expect(res.status).toBe(202);
    },
    expect: ownTask,
  },
  {
    route: 'DELETE /tasks/{user}/{another member\'s}',
    arrange: (w) => task(w, w.bystander),
    request: (_w, t) => ({ method: 'delete', path: taskPath(t, 'name') }),
    happened: deleted,
    expect: othersTask,
  },
];

describe('RBAC matrix: workspace agents and AI tasks', () => {
  let w: World;

  beforeAll(async () => {
    const server = await startTestServer();
    const owner = await createFirstUser(server);
    const world = await createWorld(server, owner, ALL_ACTORS);
    const bystander = await createUser(server, owner, { username: 'bystander' });
    const myAgent = await agentWorkspace(server, owner, world.actors.member);
    const theirAgent = await agentWorkspace(server, owner, bystander);
    for (const a of [myAgent, theirAgent]) {
      const agent = asAgent(server, a.token);
      if ((await agent.post('log-source', { id: LOG_SOURCE, display_name: 'Startup script', icon: '' })).status !== 201) throw new Error('arrange: log-source');
      const logs = await agent.patch('logs', { log_source_id: LOG_SOURCE, logs: [{ created_at: new Date().toISOString(), output: 'hello from the agent', level: 'info' }] });
      if (logs.status !== 200) throw new Error(`arrange: logs: ${logs.status} ${JSON.stringify(logs.body)}`);
    }
    const template = await createTemplate(server, owner.token, owner.orgId, 'ai-tasks', TASK_DOC);
    const partial = { ...world, bystander, myAgent, theirAgent, taskVersionId: template.active_version_id };
    w = { ...partial, myTask: await task(partial, world.actors.member), theirTask: await task(partial, bystander) } as World;
  }, 120_000);
  afterAll(() => w?.server.close());

  describe('workspace agents', () => {
    runMatrix(matrix, AGENT_ROUTES, () => w);
  });

  describe('AI tasks', () => {
    runMatrix(matrix, TASK_ROUTES, () => w);

    it('another organization\'s member learns nothing of a template version it may not read, nor of a user', async () => {
      const outsider = api(w.server, w.actors['other-org-member'].token);
      const answer = (res: { status: number; body: unknown }) => ({ status: res.status, body: res.body });
      const unknownVersion = await outsider.post('/api/v2/tasks/me').send({ template_version_id: randomUUID(), input: 'x', name: `probe-${++seq}` });
      const hiddenVersion = await outsider.post('/api/v2/tasks/me').send({ template_version_id: w.taskVersionId, input: 'x', name: `probe-${++seq}` });
      expect(answer(unknownVersion)).toMatchObject({ status: 400, body: { validations: [{ field: 'template_version_id', detail: 'Template version not found or you do not have access to this resource' }] } });
      expect(await w.server.sql('SELECT 1 FROM tasks WHERE owner_id = $1', [w.actors['other-org-member'].id])).toEqual([]);
      // An unknown user is 404 (against which the POST /tasks/{another member} row compares).
      const unknownUser = await outsider.post('/api/v2/tasks/no-such-user').send({ template_version_id: w.taskVersionId, input: 'x' });
      expect(unknownUser.status).toBe(404);
      // The default organization's version, which the outsider may not read (templates are read
      // through the organization's Everyone group), is answered as an unknown one, as in Coder.
      expect(answer(hiddenVersion)).toEqual(answer(unknownVersion));
    });
  });
});
