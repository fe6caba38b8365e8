import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import type { Response } from 'supertest';
import { api, createFirstUser, createUser, login, PASSWORD, type FirstUser, type TestUser } from '../support/fixtures.js';
import { expectErrorBody } from '../support/error-body.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const NEW_PASSWORD = 'Another-Sturdy-Passphrase-42';
const WEAK_PASSWORD = 'password';

let seq = 0;
/** A fresh, valid Coder username (alphanumerics and single hyphens, <= 32 chars). */
function uniqueName(prefix = 'u'): string {
  return `${prefix}-${(++seq).toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}

function validationFields(res: Response): string[] {
  return ((res.body.validations ?? []) as Array<{ field: string }>).map((v) => v.field);
}

describe('users API', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
  });
  afterAll(() => server.close());

  const asOwner = () => api(server, owner.token);

  async function postUser(body: Record<string, unknown>, token = owner.token): Promise<Response> {
    return api(server, token).post('/api/v2/users').send(body);
  }

  describe('POST /api/v2/users', () => {
    it('creates a user and answers 201 with Coder\'s User shape', async () => {
      const username = uniqueName('shape');
      const res = await postUser({ username, email: `${username}@example.com`, name: 'Shape Tester', password: PASSWORD, organization_ids: [owner.orgId] });
      expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        username,
        name: 'Shape Tester',
        email: `${username}@example.com`,
        avatar_url: expect.any(String),
        created_at: expect.stringMatching(ISO),
        updated_at: expect.stringMatching(ISO),
        last_seen_at: expect.any(String),
        status: 'dormant',
        login_type: 'password',
        theme_preference: expect.any(String),
        is_service_account: false,
        has_ai_seat: false,
        organization_ids: [owner.orgId],
        roles: [],
      });
      // The same user is readable afterwards.
      const got = await asOwner().get(`/api/v2/users/${res.body.id}`);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(res.body);
    });

    it('defaults a new user to status "dormant" and honours user_status "active"', async () => {
      const a = uniqueName('dorm');
      const b = uniqueName('actv');
      const dormant = await postUser({ username: a, email: `${a}@example.com`, password: PASSWORD });
      const active = await postUser({ username: b, email: `${b}@example.com`, password: PASSWORD, user_status: 'active' });
      expect(dormant.status).toBe(201);
      expect(dormant.body.status).toBe('dormant');
      expect(active.status).toBe(201);
      expect(active.body.status).toBe('active');
    });

    it('puts the user in the default organization when organization_ids is omitted', async () => {
      const username = uniqueName('deforg');
      const res = await postUser({ username, email: `${username}@example.com`, password: PASSWORD });
      expect(res.status).toBe(201);
      expect(res.body.organization_ids).toEqual([owner.orgId]);
      const members = await asOwner().get(`/api/v2/organizations/${owner.orgId}/members/${username}`);
      expect(members.status).toBe(200);
    });

    it('answers 409 for a duplicate username (case-insensitive) and a duplicate email', async () => {
      const username = uniqueName('dup');
      const first = await postUser({ username, email: `${username}@example.com`, password: PASSWORD });
      expect(first.status).toBe(201);

      const sameName = await postUser({ username: username.toUpperCase(), email: `${uniqueName('other')}@example.com`, password: PASSWORD });
      expectErrorBody(sameName, 409, 'User already exists.');

      const sameEmail = await postUser({ username: uniqueName('other'), email: `${username}@EXAMPLE.com`, password: PASSWORD });
      expectErrorBody(sameEmail, 409, 'User already exists.');
    });

    it('creates a service account without email, with login_type "none"', async () => {
      const username = uniqueName('svc');
      const res = await postUser({ username, service_account: true });
      expect({ status: res.status, body: res.body }).toMatchObject({
        status: 201,
        body: { username, email: '', login_type: 'none', is_service_account: true },
      });
      // A service account has no password to log in with.
      const loginRes = await api(server).post('/api/v2/users/login').send({ email: username, password: PASSWORD });
      expect(loginRes.status).toBeGreaterThanOrEqual(400);
      expect(loginRes.status).toBeLessThan(500);
    });

    it('refuses a service account with an email (400)', async () => {
      const username = uniqueName('svcmail');
      const res = await postUser({ username, email: `${username}@example.com`, service_account: true });
      expectErrorBody(res, 400);
    });

    it('refuses a weak password: 400 "Password not strong enough!" with a validation on password', async () => {
      const username = uniqueName('weak');
      const res = await postUser({ username, email: `${username}@example.com`, password: WEAK_PASSWORD });
      expectErrorBody(res, 400, 'Password not strong enough!');
      expect(validationFields(res)).toContain('password');
      const lookup = await asOwner().get(`/api/v2/users/${username}`);
      expect(lookup.status).toBe(404);
    });

    it('refuses a password with login_type "none" (400) and accepts none without a password', async () => {
      const username = uniqueName('none');
      const withPassword = await postUser({ username, email: `${username}@example.com`, password: PASSWORD, login_type: 'none' });
      expectErrorBody(withPassword, 400);
      const lookup = await asOwner().get(`/api/v2/users/${username}`);
      expect(lookup.status).toBe(404);

      const without = await postUser({ username, email: `${username}@example.com`, login_type: 'none' });
      expect(without.status).toBe(201);
      expect(without.body.login_type).toBe('none');
    });

    it('refuses a password user without a password (400)', async () => {
      const username = uniqueName('nopw');
      const res = await postUser({ username, email: `${username}@example.com` });
      expectErrorBody(res, 400);
    });

    it('does not let a member create users (403)', async () => {
      const username = uniqueName('bymember');
      const res = await postUser({ username, email: `${username}@example.com`, password: PASSWORD }, member.token);
      expectErrorBody(res, 403);
      const lookup = await asOwner().get(`/api/v2/users/${username}`);
      expect(lookup.status).toBe(404);
    });
  });

  describe('GET /api/v2/users search', () => {
    const tag = `s${Math.random().toString(36).slice(2, 8)}`;
    let alpha: TestUser;
    let alphaLonger: TestUser;
    let dormantId: string;
    let noneId: string;
    let byMailId: string;
    let templateAdmin: TestUser;

    beforeAll(async () => {
      alpha = await createUser(server, owner, { username: `${tag}-alpha` });
      alphaLonger = await createUser(server, owner, { username: `${tag}-alpha-longer` });
      templateAdmin = await createUser(server, owner, { username: `${tag}-tadmin`, siteRoles: ['template-admin'] });
      const dormant = await postUser({ username: `${tag}-dormant`, email: `${tag}-dormant@example.com`, password: PASSWORD });
      expect(dormant.status).toBe(201);
      dormantId = dormant.body.id;
      const none = await postUser({ username: `${tag}-nologin`, email: `${tag}-nologin@example.com`, login_type: 'none' });
      expect(none.status).toBe(201);
      noneId = none.body.id;
      // An email that shares nothing with the username: bare words must search emails too.
      const byMail = await postUser({ username: uniqueName('mailonly'), email: `findme-${tag}@corp.example`, password: PASSWORD });
      expect(byMail.status).toBe(201);
      byMailId = byMail.body.id;
    });

    async function search(q: string, extra = ''): Promise<Response> {
      return asOwner().get(`/api/v2/users?q=${encodeURIComponent(q)}${extra}`);
    }
    const usernames = (res: Response) => (res.body.users as Array<{ username: string }>).map((u) => u.username);

    it('matches a bare word against usernames', async () => {
      const res = await search(`${tag}-alpha`);
      expect(res.status).toBe(200);
      expect(usernames(res)).toEqual([alpha.username, alphaLonger.username]);
      expect(res.body.count).toBe(2);
    });

    it('matches a bare word against emails', async () => {
      const res = await search(`findme-${tag}`);
      expect(res.status).toBe(200);
      expect(res.body.users.map((u: { id: string }) => u.id)).toEqual([byMailId]);
      expect(res.body.count).toBe(1);
    });

    it('username: matches the exact username only', async () => {
      const res = await search(`username:${alpha.username}`);
      expect(res.status).toBe(200);
      expect(usernames(res)).toEqual([alpha.username]);
      expect(res.body.count).toBe(1);
    });

    it('email: matches the exact email only', async () => {
      const res = await search(`email:${alphaLonger.email}`);
      expect(res.status).toBe(200);
      expect(usernames(res)).toEqual([alphaLonger.username]);
    });

    it('status: filters by status', async () => {
      const dormant = await search(`${tag} status:dormant`);
      expect(dormant.status).toBe(200);
      const ids = dormant.body.users.map((u: { id: string }) => u.id);
      expect(ids).toContain(dormantId);
      expect(ids).not.toContain(alpha.id);
      for (const u of dormant.body.users) expect(u.status).toBe('dormant');

      const active = await search(`${tag} status:active`);
      const activeIds = active.body.users.map((u: { id: string }) => u.id);
      expect(activeIds).toContain(alpha.id);
      expect(activeIds).not.toContain(dormantId);
    });

    it('role: filters by site role', async () => {
      const res = await search(`${tag} role:template-admin`);
      expect(res.status).toBe(200);
      expect(usernames(res)).toEqual([templateAdmin.username]);
      const owners = await search('role:owner');
      expect(owners.body.users.map((u: { id: string }) => u.id)).toEqual([owner.id]);
    });

    it('login_type: filters by login type', async () => {
      const res = await search(`${tag} login_type:none`);
      expect(res.status).toBe(200);
      expect(res.body.users.map((u: { id: string }) => u.id)).toEqual([noneId]);
    });

    it('github_com_user_id: finds the user linked to that GitHub id', async () => {
      const ghId = 700000 + Math.floor(Math.random() * 99999);
      await server.sql('UPDATE users SET github_com_user_id = $1 WHERE id = $2', [ghId, alphaLonger.id]);
      const res = await search(`github_com_user_id:${ghId}`);
      expect(res.status).toBe(200);
      expect(res.body.users.map((u: { id: string }) => u.id)).toEqual([alphaLonger.id]);
      expect(res.body.count).toBe(1);
    });

    it('answers 400 "Invalid user search query." naming an unknown key', async () => {
      const res = await search('bogus_key:value');
      expectErrorBody(res, 400, 'Invalid user search query.');
      expect(validationFields(res)).toContain('bogus_key');
    });

    it('answers 400 for an invalid status value', async () => {
      const res = await search('status:sleepy');
      expectErrorBody(res, 400, 'Invalid user search query.');
      expect(validationFields(res)).toContain('status');
    });

    it('is only visible to authenticated callers (401 without a token)', async () => {
      const res = await api(server).get('/api/v2/users');
      expectErrorBody(res, 401);
    });
  });

  describe('GET /api/v2/users counting', () => {
    it('concurrent lists share one count query; a change made here is counted by the next list', async () => {
      const ds = server.app.get(DataSource);
      const query = jest.spyOn(ds, 'query');
      try {
        const counts = () => query.mock.calls.filter(([sql]) => String(sql).startsWith('SELECT count(*)::int AS n FROM users u')).length;
        const search = { q: `status:active ${uniqueName('nobody')}` };
        const first = await Promise.all(Array.from({ length: 8 }, () => asOwner().get('/api/v2/users').query(search)));
        expect(first.map((r) => [r.status, r.body.count])).toEqual(Array.from({ length: 8 }, () => [200, 0]));
        expect(counts()).toBe(1);
        const before = (await asOwner().get('/api/v2/users')).body.count as number;
        expect(counts()).toBe(2);
        await createUser(server, owner);
        expect((await asOwner().get('/api/v2/users')).body.count).toBe(before + 1);
        expect(counts()).toBe(3);
      } finally {
        query.mockRestore();
      }
    });
  });

  describe('GET /api/v2/users paging', () => {
    const tag = `p${Math.random().toString(36).slice(2, 8)}`;
    // Created out of order, one with an upper-case letter: order is by username, case-insensitively.
    const names = [`${tag}-d`, `${tag}-B`, `${tag}-e`, `${tag}-a`, `${tag}-c`];
    const sorted = [`${tag}-a`, `${tag}-B`, `${tag}-c`, `${tag}-d`, `${tag}-e`];
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      for (const n of names) {
        const res = await postUser({ username: n, email: `${n}@example.com`, password: PASSWORD });
        expect(res.status).toBe(201);
        ids[n] = res.body.id;
      }
    });

    const page = (query: string) => asOwner().get(`/api/v2/users?q=${tag}${query}`);
    const pageNames = (res: Response) => (res.body.users as Array<{ username: string }>).map((u) => u.username);

    it('orders by username and counts every match', async () => {
      const res = await page('');
      expect(res.status).toBe(200);
      expect(pageNames(res)).toEqual(sorted);
      expect(res.body.count).toBe(5);
    });

    it('limit returns the first page; count still counts all matches', async () => {
      const res = await page('&limit=2');
      expect(res.status).toBe(200);
      expect(pageNames(res)).toEqual(sorted.slice(0, 2));
      expect(res.body.count).toBe(5);
    });

    it('offset skips rows', async () => {
      const res = await page('&limit=2&offset=2');
      expect(res.status).toBe(200);
      expect(pageNames(res)).toEqual(sorted.slice(2, 4));
      expect(res.body.count).toBe(5);
    });

    it('after_id continues after the given user', async () => {
      const res = await page(`&limit=2&after_id=${ids[sorted[1]]}`);
      expect(res.status).toBe(200);
      expect(pageNames(res)).toEqual(sorted.slice(2, 4));
      const last = await page(`&limit=2&after_id=${ids[sorted[4]]}`);
      expect(last.status).toBe(200);
      expect(last.body.users).toEqual([]);
    });

    it('refuses after_id together with offset (400)', async () => {
      const res = await page(`&after_id=${ids[sorted[0]]}&offset=1`);
      expectErrorBody(res, 400);
    });

    it('refuses a negative or non-numeric limit (400)', async () => {
      expectErrorBody(await page('&limit=-1'), 400);
      expectErrorBody(await page('&limit=ten'), 400);
      expectErrorBody(await page('&offset=-3'), 400);
    });
  });

  describe('GET /api/v2/users/{user}', () => {
    it('finds the same user by id, by username and as "me"', async () => {
      const byId = await api(server, member.token).get(`/api/v2/users/${member.id}`);
      const byName = await api(server, member.token).get(`/api/v2/users/${member.username}`);
      const me = await api(server, member.token).get('/api/v2/users/me');
      expect(byId.status).toBe(200);
      expect(byId.body).toMatchObject({ id: member.id, username: member.username, email: member.email, status: 'active' });
      expect(byName.status).toBe(200);
      expect(me.status).toBe(200);
      expect(byName.body).toEqual(byId.body);
      expect(me.body).toEqual(byId.body);
    });

    it('answers 404 for an unknown user id or username', async () => {
      expectErrorBody(await asOwner().get('/api/v2/users/6f1e3c2a-0000-4000-8000-000000000000'), 404);
      expectErrorBody(await asOwner().get(`/api/v2/users/${uniqueName('ghost')}`), 404);
    });
  });

  describe('PUT /api/v2/users/{user}/profile', () => {
    it('renames a user; the new name resolves and the old one does not', async () => {
      const u = await createUser(server, owner);
      const newName = uniqueName('renamed');
      const res = await api(server, u.token).put('/api/v2/users/me/profile').send({ username: newName, name: 'Renamed Person' });
      expect({ status: res.status, body: res.body }).toMatchObject({ status: 200, body: { id: u.id, username: newName, name: 'Renamed Person' } });
      expect((await asOwner().get(`/api/v2/users/${newName}`)).body.id).toBe(u.id);
      expect((await asOwner().get(`/api/v2/users/${u.username}`)).status).toBe(404);
      // The session survives the rename.
      const me = await api(server, u.token).get('/api/v2/users/me');
      expect(me.body.username).toBe(newName);
    });

    it('answers 409 with a validation on username when the name is taken', async () => {
      const u = await createUser(server, owner);
      const res = await api(server, u.token).put('/api/v2/users/me/profile').send({ username: member.username });
      expectErrorBody(res, 409);
      expect(validationFields(res)).toContain('username');
      expect((await api(server, u.token).get('/api/v2/users/me')).body.username).toBe(u.username);
    });

    it('answers 400 with a validation on username for an invalid username', async () => {
      const u = await createUser(server, owner);
      for (const bad of ['has space', '-leading', 'double--hyphen', 'emoji-\u{1F600}', '']) {
        const res = await api(server, u.token).put('/api/v2/users/me/profile').send({ username: bad });
        expectErrorBody(res, 400);
        expect(validationFields(res)).toContain('username');
      }
    });

    it('does not let a member rename another user', async () => {
      const victim = await createUser(server, owner);
      const res = await api(server, member.token).put(`/api/v2/users/${victim.id}/profile`).send({ username: uniqueName('hijack') });
      expect([403, 404]).toContain(res.status);
      expectErrorBody(res, res.status);
      expect((await asOwner().get(`/api/v2/users/${victim.id}`)).body.username).toBe(victim.username);
    });
  });

  describe('PUT /api/v2/users/{user}/status', () => {
    it('suspending a user locks their token out at once; activating lets it work again', async () => {
      const u = await createUser(server, owner);
      expect((await api(server, u.token).get('/api/v2/users/me')).status).toBe(200);

      const suspended = await asOwner().put(`/api/v2/users/${u.id}/status/suspend`);
      expect({ status: suspended.status, body: suspended.body }).toMatchObject({ status: 200, body: { id: u.id, status: 'suspended' } });
      expectErrorBody(await api(server, u.token).get('/api/v2/users/me'), 401);

      const activated = await asOwner().put(`/api/v2/users/${u.id}/status/activate`);
      expect({ status: activated.status, body: activated.body }).toMatchObject({ status: 200, body: { id: u.id, status: 'active' } });
      const me = await api(server, u.token).get('/api/v2/users/me');
      expect(me.status).toBe(200);
      expect(me.body.status).toBe('active');
    });

    it('refuses to let you suspend yourself (400)', async () => {
      const res = await asOwner().put('/api/v2/users/me/status/suspend');
      expectErrorBody(res, 400, 'You cannot suspend yourself.');
      expect((await asOwner().get('/api/v2/users/me')).body.status).toBe('active');
    });

    it('refuses to suspend a user who holds the owner role (400, as Coder)', async () => {
      const otherOwner = await createUser(server, owner, { siteRoles: ['owner'] });
      const res = await asOwner().put(`/api/v2/users/${otherOwner.id}/status/suspend`);
      expectErrorBody(res, 400);
      expect((await api(server, otherOwner.token).get('/api/v2/users/me')).status).toBe(200);
    });

    it('does not let a member suspend another user', async () => {
      const victim = await createUser(server, owner);
      const res = await api(server, member.token).put(`/api/v2/users/${victim.id}/status/suspend`);
      expect([403, 404]).toContain(res.status);
      expectErrorBody(res, res.status);
      expect((await api(server, victim.token).get('/api/v2/users/me')).status).toBe(200);
    });
  });

  describe('PUT /api/v2/users/{user}/password', () => {
    it('changing your own password needs old_password', async () => {
      const u = await createUser(server, owner);
      const res = await api(server, u.token).put('/api/v2/users/me/password').send({ password: NEW_PASSWORD });
      expectErrorBody(res, 400);
      await expect(login(server, u.email, PASSWORD)).resolves.toEqual(expect.any(String));
    });

    it('a wrong old_password is 400 with a validation on old_password', async () => {
      const u = await createUser(server, owner);
      const res = await api(server, u.token).put('/api/v2/users/me/password').send({ old_password: 'Not-The-Password-77', password: NEW_PASSWORD });
      expectErrorBody(res, 400);
      expect(validationFields(res)).toContain('old_password');
      await expect(login(server, u.email, PASSWORD)).resolves.toEqual(expect.any(String));
    });

    it('a weak new password is 400 with a validation on password', async () => {
      const u = await createUser(server, owner);
      const res = await api(server, u.token).put('/api/v2/users/me/password').send({ old_password: PASSWORD, password: WEAK_PASSWORD });
      expectErrorBody(res, 400);
      expect(validationFields(res)).toContain('password');
      await expect(login(server, u.email, PASSWORD)).resolves.toEqual(expect.any(String));
    });

    it('refuses a new password equal to the old one (400, as Coder)', async () => {
      const u = await createUser(server, owner);
      const res = await api(server, u.token).put('/api/v2/users/me/password').send({ old_password: PASSWORD, password: PASSWORD });
      expectErrorBody(res, 400);
    });

    it('changing your own password revokes your other sessions but keeps the caller\'s', async () => {
      const u = await createUser(server, owner);
      const other = await login(server, u.email);
      expect((await api(server, other).get('/api/v2/users/me')).status).toBe(200);

      const res = await api(server, u.token).put('/api/v2/users/me/password').send({ old_password: PASSWORD, password: NEW_PASSWORD });
      expect({ status: res.status, body: res.body }).toMatchObject({ status: 204 });

      expectErrorBody(await api(server, other).get('/api/v2/users/me'), 401);
      expect((await api(server, u.token).get('/api/v2/users/me')).status).toBe(200);

      expectErrorBody(await api(server).post('/api/v2/users/login').send({ email: u.email, password: PASSWORD }), 401);
      const fresh = await api(server).post('/api/v2/users/login').send({ email: u.email, password: NEW_PASSWORD });
      expect(fresh.status).toBe(201);
    });

    it('an owner sets another user\'s password without old_password; the user\'s sessions end', async () => {
      const u = await createUser(server, owner);
      const res = await asOwner().put(`/api/v2/users/${u.id}/password`).send({ password: NEW_PASSWORD });
      expect({ status: res.status, body: res.body }).toMatchObject({ status: 204 });
      expectErrorBody(await api(server, u.token).get('/api/v2/users/me'), 401);
      expectErrorBody(await api(server).post('/api/v2/users/login').send({ email: u.email, password: PASSWORD }), 401);
      expect((await api(server).post('/api/v2/users/login').send({ email: u.email, password: NEW_PASSWORD })).status).toBe(201);
      // The owner's own session is untouched.
      expect((await asOwner().get('/api/v2/users/me')).status).toBe(200);
    });

    it('does not let a member set another user\'s password', async () => {
      const victim = await createUser(server, owner);
      const res = await api(server, member.token).put(`/api/v2/users/${victim.id}/password`).send({ password: NEW_PASSWORD });
      expect([403, 404]).toContain(res.status);
      expectErrorBody(res, res.status);
      await expect(login(server, victim.email, PASSWORD)).resolves.toEqual(expect.any(String));
    });
  });

  describe('DELETE /api/v2/users/{user}', () => {
    it('deletes a user: 200 {message}, their token stops working, they are gone and cannot log in', async () => {
      const u = await createUser(server, owner);
      const res = await asOwner().delete(`/api/v2/users/${u.id}`);
      expect({ status: res.status, body: res.body }).toMatchObject({ status: 200, body: { message: expect.any(String) } });
      expect(res.body.message.length).toBeGreaterThan(0);
      expectErrorBody(await api(server, u.token).get('/api/v2/users/me'), 401);
      expectErrorBody(await asOwner().get(`/api/v2/users/${u.id}`), 404);
      expectErrorBody(await asOwner().get(`/api/v2/users/${u.username}`), 404);
      expectErrorBody(await api(server).post('/api/v2/users/login').send({ email: u.email, password: PASSWORD }), 401);
      const list = await asOwner().get(`/api/v2/users?q=${encodeURIComponent(`username:${u.username}`)}`);
      expect(list.body).toEqual({ users: [], count: 0 });
    });

    it('refuses to let you delete yourself (403)', async () => {
      const res = await asOwner().delete('/api/v2/users/me');
      expectErrorBody(res, 403);
      expect((await asOwner().get('/api/v2/users/me')).status).toBe(200);
    });

    it('lets the username and email be reused after deletion', async () => {
      const u = await createUser(server, owner);
      expect((await asOwner().delete(`/api/v2/users/${u.id}`)).status).toBe(200);
      const again = await postUser({ username: u.username, email: u.email, password: PASSWORD, user_status: 'active' });
      expect({ status: again.status, body: again.body }).toMatchObject({ status: 201, body: { username: u.username, email: u.email } });
      expect(again.body.id).not.toBe(u.id);
      expect((await asOwner().get(`/api/v2/users/${u.username}`)).body.id).toBe(again.body.id);
    });

    it('does not let a member delete another user', async () => {
      const victim = await createUser(server, owner);
      const res = await api(server, member.token).delete(`/api/v2/users/${victim.id}`);
      expect([403, 404]).toContain(res.status);
      expectErrorBody(res, res.status);
      expect((await api(server, victim.token).get('/api/v2/users/me')).status).toBe(200);
    });
  });

  describe('site roles', () => {
    it('GET /users/{user}/roles lists site roles and organization roles', async () => {
      const u = await createUser(server, owner);
      const res = await asOwner().get(`/api/v2/users/${u.id}/roles`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ roles: [], organization_roles: { [owner.orgId]: [] } });
      const own = await asOwner().get('/api/v2/users/me/roles');
      expect(own.body.roles).toEqual(['owner']);
    });

    it('PUT /users/{user}/roles assigns template-admin', async () => {
      const u = await createUser(server, owner);
      const res = await asOwner().put(`/api/v2/users/${u.id}/roles`).send({ roles: ['template-admin'] });
      expect({ status: res.status, body: res.body }).toMatchObject({
        status: 200,
        body: { id: u.id, roles: [{ name: 'template-admin', display_name: expect.any(String) }] },
      });
      expect((await asOwner().get(`/api/v2/users/${u.id}/roles`)).body.roles).toEqual(['template-admin']);
      expect((await api(server, u.token).get('/api/v2/users/me')).body.roles.map((r: { name: string }) => r.name)).toEqual(['template-admin']);

      const cleared = await asOwner().put(`/api/v2/users/${u.id}/roles`).send({ roles: [] });
      expect(cleared.status).toBe(200);
      expect(cleared.body.roles).toEqual([]);
    });

    it('a newly granted role takes effect on the user\'s existing session', async () => {
      const u = await createUser(server, owner);
      const name = uniqueName('byuadmin');
      const before = await postUser({ username: name, email: `${name}@example.com`, password: PASSWORD }, u.token);
      expectErrorBody(before, 403);
      expect((await asOwner().put(`/api/v2/users/${u.id}/roles`).send({ roles: ['user-admin'] })).status).toBe(200);
      const after = await postUser({ username: name, email: `${name}@example.com`, password: PASSWORD }, u.token);
      expect(after.status).toBe(201);
    });

    it('refuses an unknown role (400) and leaves roles unchanged', async () => {
      const u = await createUser(server, owner);
      const res = await asOwner().put(`/api/v2/users/${u.id}/roles`).send({ roles: ['not-a-real-role'] });
      expectErrorBody(res, 400);
      expect((await asOwner().get(`/api/v2/users/${u.id}/roles`)).body.roles).toEqual([]);
    });

    it('refuses an organization role as a site role (400)', async () => {
      const u = await createUser(server, owner);
      const res = await asOwner().put(`/api/v2/users/${u.id}/roles`).send({ roles: ['organization-admin'] });
      expectErrorBody(res, 400);
    });

    it('refuses to change your own roles (400)', async () => {
      const res = await asOwner().put('/api/v2/users/me/roles').send({ roles: [] });
      expectErrorBody(res, 400, 'You cannot change your own roles.');
      expect((await asOwner().get('/api/v2/users/me/roles')).body.roles).toEqual(['owner']);
    });

    it('does not let a member assign roles to a user they cannot see (404)', async () => {
      const victim = await createUser(server, owner);
      const res = await api(server, member.token).put(`/api/v2/users/${victim.id}/roles`).send({ roles: ['template-admin'] });
      expectErrorBody(res, 404);
      expect((await asOwner().get(`/api/v2/users/${victim.id}/roles`)).body.roles).toEqual([]);
    });

    it('does not let a non-admin who can see users assign roles (403)', async () => {
      // A template admin reads users but holds no assign_role permission.
      const templateAdmin = await createUser(server, owner, { siteRoles: ['template-admin'] });
      const victim = await createUser(server, owner);
      expect((await api(server, templateAdmin.token).get(`/api/v2/users/${victim.id}`)).status).toBe(200);
      const res = await api(server, templateAdmin.token).put(`/api/v2/users/${victim.id}/roles`).send({ roles: ['template-admin'] });
      expectErrorBody(res, 403);
      expect((await asOwner().get(`/api/v2/users/${victim.id}/roles`)).body.roles).toEqual([]);
    });

    it('does not let a member escalate themselves', async () => {
      const res = await api(server, member.token).put('/api/v2/users/me/roles').send({ roles: ['owner'] });
      expectErrorBody(res, 400);
      expect((await asOwner().get(`/api/v2/users/${member.id}/roles`)).body.roles).toEqual([]);
    });

    it('GET /users/roles lists auditor, template-admin and user-admin, assignable for an owner', async () => {
      const res = await asOwner().get('/api/v2/users/roles');
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body)).toBe(true);
      const byName = new Map((res.body as Array<{ name: string }>).map((r) => [r.name, r]));
      for (const name of ['auditor', 'template-admin', 'user-admin']) {
        expect(byName.get(name)).toMatchObject({
          name,
          display_name: expect.any(String),
          assignable: true,
          built_in: true,
          site_permissions: expect.any(Array),
        });
      }
    });

    it('GET /users/roles shows nothing assignable to a member', async () => {
      const res = await api(server, member.token).get('/api/v2/users/roles');
      expect(res.status).toBe(200);
      const names = (res.body as Array<{ name: string }>).map((r) => r.name);
      expect(names).toEqual(expect.arrayContaining(['auditor', 'template-admin', 'user-admin']));
      for (const r of res.body as Array<{ name: string; assignable: boolean }>) {
        if (['auditor', 'template-admin', 'user-admin', 'owner'].includes(r.name)) expect(r).toMatchObject({ assignable: false });
      }
    });
  });
});
