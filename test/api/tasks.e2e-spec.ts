// AI tasks: created with their workspace from a template that declares an AI task, addressed by id or
// by name (also a name that looks like a UUID), listed with Coder's search, with the status derived
// layer by layer (build, agent, app: facts 3.12), paused, resumed and deleted; the build records the
// task's app and its owner takes an AI seat.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { asAgent } from '../support/agents.js';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../support/fixtures.js';
import { until } from '../support/poll.js';
import { createTemplate, waitForBuild } from '../support/templates.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** A template whose agent runs the task in app `claude` (with a health check), and a prompt parameter as older Coder templates had. */
const doc = (token: string) => ({
  ai_task: { app_slug: 'claude' },
  parameters: [{ name: 'AI Prompt', type: 'string', default: '', mutable: true }],
  resources: [
    {
      name: 'dev',
      type: 'docker_container',
      agents: [{ name: 'main', token, apps: [{ slug: 'claude', url: 'http://localhost:3284', healthcheck: { url: 'http://localhost:3284/status', interval: 5, threshold: 3 } }, { slug: 'code', url: 'http://localhost:8080' }] }],
    },
  ],
});

describe('AI tasks', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;
  let other: TestUser;
  let seq = 0;
  let template: { id: string; active_version_id: string };
  let token: string;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
    other = await createUser(server, owner);
    token = randomUUID();
    template = await createTemplate(server, owner.token, owner.orgId, 'ai-tasks', doc(token));
  });
  afterAll(() => server.close());

  const tasks = (t = member.token) => api(server, t);
  async function createTask(body: Record<string, unknown> = {}) {
    const res = await tasks().post('/api/v2/tasks/me').send({ template_version_id: template.active_version_id, input: 'Fix the flaky login test', name: `task-${++seq}`, ...body });
    expect(res.status).toBe(201);
    return res.body;
  }
  const buildOf = async (workspaceId: string) => (await tasks().get(`/api/v2/workspaces/${workspaceId}`)).body.latest_build;

  it('creates the task with its workspace, named as the task; the build records the task app and the owner takes an AI seat', async () => {
    const task = await createTask({ name: 'first-task', display_name: 'First' });
    expect(task).toMatchObject({
      name: 'first-task',
      display_name: 'First',
      owner_id: member.id,
      owner_name: member.username,
      organization_id: owner.orgId,
      template_id: template.id,
      template_version_id: template.active_version_id,
      template_name: 'ai-tasks',
      workspace_name: 'first-task',
      initial_prompt: 'Fix the flaky login test',
    });
    expect(['pending', 'initializing']).toContain(task.status);
    const build = await waitForBuild(server, member.token, (await buildOf(task.workspace_id)).id);
    const ws = await tasks().get(`/api/v2/workspaces/${task.workspace_id}`);
    expect(ws.body.name).toBe('first-task');
    const claude = (build as unknown as { resources: Array<{ agents: Array<{ apps: Array<{ id: string; slug: string }> }> }> }).resources[0]!.agents[0]!.apps.find((a) => a.slug === 'claude')!;
    expect(ws.body.latest_build).toMatchObject({ has_ai_task: true, task_app_id: claude.id, ai_task_sidebar_app_id: claude.id });
    // The prompt reaches templates that read it from the "AI Prompt" parameter.
    const params = await tasks().get(`/api/v2/workspacebuilds/${build.id}/parameters`);
    expect(params.body).toEqual([{ name: 'AI Prompt', value: 'Fix the flaky login test' }]);
    const read = await tasks().get(`/api/v2/tasks/me/${task.id}`);
    expect(read.body).toMatchObject({ status: 'initializing', workspace_app_id: claude.id, workspace_status: 'running', workspace_build_number: 1, workspace_agent_lifecycle: 'created' });
    expect(read.body.current_state).toMatchObject({ state: 'working' });
    const users = await api(server, owner.token).get('/api/v2/users');
    const seat = (id: string) => users.body.users.find((u: { id: string }) => u.id === id).has_ai_seat;
    expect(seat(member.id)).toBe(true);
    expect(seat(other.id)).toBe(false);
  });

  it('refuses a version without an AI task, a taken name, and a bad name', async () => {
    const plain = await createTemplate(server, owner.token, owner.orgId, 'no-ai', { resources: [{ name: 'dev', type: 'docker_container' }] });
    const res = await tasks().post('/api/v2/tasks/me').send({ template_version_id: plain.active_version_id, input: 'hi' });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('Template does not have a valid "coder_ai_task" resource.');
    await createTask({ name: 'dup-task' });
    const again = await tasks().post('/api/v2/tasks/me').send({ template_version_id: template.active_version_id, input: 'x', name: 'DUP-task' });
    expect(again.status).toBe(409);
    const bad = await tasks().post('/api/v2/tasks/me').send({ template_version_id: template.active_version_id, input: '', name: 'no spaces' });
    expect(bad.status).toBe(400);
    expect(bad.body.validations.map((v: { field: string }) => v.field).sort()).toEqual(['input', 'name']);
  });

  it('makes a name and display name from the input when none is given', async () => {
    const res = await tasks().post('/api/v2/tasks/me').send({ template_version_id: template.active_version_id, input: 'Refactor the billing module!\nThen run tests.' });
    expect(res.status).toBe(201);
    expect(res.body.name).toMatch(/^refactor-the-billing-module-[0-9a-f]{4}$/);
    expect(res.body.display_name).toBe('Refactor the billing module!');
    expect(res.body.workspace_name).toBe(res.body.name);
  });

  it('finds a task by id or by name for its owner, and a name that looks like a UUID by name', async () => {
    const task = await createTask({ name: 'named-task' });
    expect((await tasks().get(`/api/v2/tasks/me/${task.id}`)).body.id).toBe(task.id);
    expect((await tasks().get(`/api/v2/tasks/${member.username}/NAMED-task`)).body.id).toBe(task.id);
    expect((await tasks().get(`/api/experimental/tasks/${member.id}/named-task`)).body.id).toBe(task.id);
    // 32 hex digits parse as a UUID (as in Coder): no task has that id, so it is tried as a name.
    const uuidish = randomUUID().replace(/-/g, '');
    const looks = await createTask({ name: uuidish });
    expect((await tasks().get(`/api/v2/tasks/me/${uuidish}`)).body.id).toBe(looks.id);
    // A name is the owner's: another user's path does not find it, nor does another user.
    expect((await tasks().get(`/api/v2/tasks/${other.username}/named-task`)).status).toBe(404);
    expect((await tasks(other.token).get(`/api/v2/tasks/${member.username}/named-task`)).status).toBe(404);
    expect((await tasks(other.token).get(`/api/v2/tasks/${member.username}/${task.id}`)).status).toBe(404);
    expect((await tasks().get(`/api/v2/tasks/me/${randomUUID()}`)).status).toBe(404);
  });

  it('lists what the caller may read, with owner:, organization: and status: filters', async () => {
    const task = await createTask();
    const mine = await tasks().get('/api/v2/tasks');
    expect(mine.status).toBe(200);
    expect(mine.body.count).toBe(mine.body.tasks.length);
    expect(mine.body.tasks.every((t: { owner_id: string }) => t.owner_id === member.id)).toBe(true);
    expect(mine.body.tasks[0].id).toBe(task.id);
    expect((await tasks(other.token).get('/api/v2/tasks')).body).toEqual({ tasks: [], count: 0 });
    const all = await api(server, owner.token).get('/api/v2/tasks').query({ q: `owner:${member.username} organization:coder` });
    expect(all.body.tasks.map((t: { id: string }) => t.id)).toContain(task.id);
    expect((await api(server, owner.token).get('/api/v2/tasks').query({ q: 'status:paused' })).body.tasks.every((t: { status: string }) => t.status === 'paused')).toBe(true);
    const bad = await tasks().get('/api/v2/tasks').query({ q: 'status:sleeping colour:red' });
    expect(bad.status).toBe(400);
    expect(bad.body.validations.map((v: { field: string }) => v.field)).toEqual(['status', 'colour']);
  });

  it('derives the status from the build, then the agent, then the app; the app status is the current state', async () => {
    const task = await createTask();
    await waitForBuild(server, member.token, (await buildOf(task.workspace_id)).id);
    const status = async () => (await tasks().get(`/api/v2/tasks/me/${task.id}`)).body;
    expect((await status()).status).toBe('initializing');
    const agent = asAgent(server, token);
    expect((await agent.post('report-lifecycle', { state: 'ready' })).status).toBe(204);
    // The agent is ready; the task app's health check has not answered yet.
    expect((await status()).status).toBe('initializing');
    const manifest = await agent.get('manifest');
    const claude = manifest.body.apps.find((a: { slug: string }) => a.slug === 'claude');
    expect((await agent.post('app-health', { healths: { [claude.id]: 'healthy' } })).status).toBe(200);
    expect((await status()).status).toBe('active');
    expect((await agent.patch('app-status', { app_slug: 'claude', state: 'failure', message: 'Tests still fail', uri: 'https://ci.example.com/1' })).status).toBe(200);
    expect((await status()).current_state).toMatchObject({ state: 'failed', message: 'Tests still fail', uri: 'https://ci.example.com/1' });
    expect((await agent.post('app-health', { healths: { [claude.id]: 'unhealthy' } })).status).toBe(200);
    expect((await status()).status).toBe('error');
  });

  it('pauses and resumes with Coder\'s build reasons, and deletes with its workspace', async () => {
    const task = await createTask();
    await waitForBuild(server, member.token, (await buildOf(task.workspace_id)).id);
    const pause = await tasks().post(`/api/v2/tasks/me/${task.name}/pause`);
    expect(pause.status).toBe(202);
    expect(pause.body.workspace_build).toMatchObject({ transition: 'stop', reason: 'task_manual_pause' });
    await waitForBuild(server, member.token, pause.body.workspace_build.id);
    expect((await tasks().get(`/api/v2/tasks/me/${task.id}`)).body.status).toBe('paused');
    const resume = await tasks().post(`/api/v2/tasks/me/${task.id}/resume`);
    expect(resume.status).toBe(202);
    expect(resume.body.workspace_build).toMatchObject({ transition: 'start', reason: 'task_resume' });
    await waitForBuild(server, member.token, resume.body.workspace_build.id);
    expect((await tasks().get(`/api/v2/tasks/me/${task.id}`)).body.status).toBe('initializing');
    expect((await tasks(other.token).delete(`/api/v2/tasks/${member.username}/${task.id}`)).status).toBe(404);
    expect((await tasks().delete(`/api/v2/tasks/me/${task.id}`)).status).toBe(202);
    expect((await tasks().get(`/api/v2/tasks/me/${task.id}`)).status).toBe(404);
    const ws = await until(() => tasks().get(`/api/v2/workspaces/${task.workspace_id}?include_deleted=true`).then((r) => r.body), (w) => w.latest_build.status === 'deleted');
    expect(ws.latest_build).toMatchObject({ transition: 'delete', status: 'deleted' });
    // The name is free again.
    expect((await tasks().post('/api/v2/tasks/me').send({ template_version_id: template.active_version_id, input: 'again', name: task.name })).status).toBe(201);
  });
});
