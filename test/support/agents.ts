// Helpers for agent specs: a running workspace with its first agent, and calls made as that agent.
import { api, type TestUser } from './fixtures.js';
import { createTemplate, waitForBuild } from './templates.js';
import type { TestServer } from './test-server.js';

/**
 * Creates a template from `doc` (as `admin`) and a workspace of it (as `user`), waits for the build to
 * run, and answers the ids, including the build's first agent's.
 */
export async function runningWorkspace(server: TestServer, admin: { token: string; orgId: string }, user: TestUser, name: string, doc: unknown) {
  const t = await createTemplate(server, admin.token, admin.orgId, name, doc);
  const ws = await api(server, user.token).post('/api/v2/users/me/workspaces').send({ name, template_id: t.id });
  if (ws.status !== 201) throw new Error(`create workspace: ${ws.status} ${JSON.stringify(ws.body)}`);
  const build = await waitForBuild(server, user.token, ws.body.latest_build.id);
  if (build.status !== 'running') throw new Error(`build ${build.id} is ${build.status}`);
  const [agent] = await server.sql<{ id: string }>(
    `SELECT a.id FROM workspace_agents a JOIN workspace_resources r ON r.id = a.resource_id JOIN workspace_builds b ON b.job_id = r.job_id
     WHERE b.id = $1 ORDER BY a.name LIMIT 1`,
    [build.id],
  );
  return { template: t, templateId: t.id as string, workspaceId: ws.body.id as string, build, buildId: build.id, agentId: agent?.id as string };
}

/** Requests to the agent API (`/workspaceagents/me/...`) with an agent token. */
export function asAgent(server: TestServer, token: string) {
  const url = (path: string) => `/api/v2/workspaceagents/me/${path}`;
  return {
    get: (path: string) => api(server).get(url(path)).set('Coder-Session-Token', token),
    post: (path: string, body: unknown) => api(server).post(url(path)).set('Coder-Session-Token', token).send(body as object),
    patch: (path: string, body: unknown) => api(server).patch(url(path)).set('Coder-Session-Token', token).send(body as object),
  };
}
