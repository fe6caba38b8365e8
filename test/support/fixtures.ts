import request from 'supertest';
import type { TestServer } from './test-server.js';

export const PASSWORD = 'Correct-Horse-Battery-9';

export interface TestUser {
  id: string;
  username: string;
  email: string;
  token: string;
}

export interface FirstUser extends TestUser {
  orgId: string;
}

/** An HTTP client for the server, optionally authenticated with a session token. */
export function api(server: TestServer, token?: string) {
  const agent = request(server.url);
  const withAuth = <T extends { set(name: string, value: string): T }>(req: T): T => (token ? req.set('Coder-Session-Token', token) : req);
  return {
    get: (path: string) => withAuth(agent.get(path)),
    post: (path: string) => withAuth(agent.post(path)),
    put: (path: string) => withAuth(agent.put(path)),
    patch: (path: string) => withAuth(agent.patch(path)),
    delete: (path: string) => withAuth(agent.delete(path)),
  };
}

export async function login(server: TestServer, email: string, password = PASSWORD): Promise<string> {
  const res = await api(server).post('/api/v2/users/login').send({ email, password });
  if (res.status !== 201) throw new Error(`login ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.session_token;
}

/** The owner (first user) and the default organization. */
export async function createFirstUser(server: TestServer, username = 'owner'): Promise<FirstUser> {
  const email = `${username}@example.com`;
  const res = await api(server).post('/api/v2/users/first').send({ email, username, password: PASSWORD });
  if (res.status !== 201) throw new Error(`first user failed: ${res.status} ${JSON.stringify(res.body)}`);
  const token = await login(server, email);
  return { id: res.body.user_id, username, email, token, orgId: res.body.organization_id };
}

let counter = 0;

/** Another user, active, with optional site roles and organization roles (in the default org). */
export async function createUser(
  server: TestServer,
  owner: FirstUser,
  opts: { username?: string; siteRoles?: string[]; orgRoles?: string[]; organizationIds?: string[] } = {},
): Promise<TestUser> {
  const username = opts.username ?? `user${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  const email = `${username}@example.com`;
  const created = await api(server, owner.token)
    .post('/api/v2/users')
    .send({ email, username, password: PASSWORD, user_status: 'active', organization_ids: opts.organizationIds ?? [owner.orgId] });
  if (created.status !== 201) throw new Error(`create user failed: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id;
  if (opts.siteRoles?.length) {
    const r = await api(server, owner.token).put(`/api/v2/users/${id}/roles`).send({ roles: opts.siteRoles });
    if (r.status !== 200) throw new Error(`site roles failed: ${r.status} ${JSON.stringify(r.body)}`);
  }
  if (opts.orgRoles?.length) {
    const r = await api(server, owner.token).put(`/api/v2/organizations/${owner.orgId}/members/${id}/roles`).send({ roles: opts.orgRoles });
    if (r.status !== 200) throw new Error(`org roles failed: ${r.status} ${JSON.stringify(r.body)}`);
  }
  return { id, username, email, token: await login(server, email) };
}
