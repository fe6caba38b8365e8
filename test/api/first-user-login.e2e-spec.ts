import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { api, createFirstUser, createUser, login, PASSWORD, type FirstUser, type TestUser } from '../support/fixtures.js';
import { expectErrorBody } from '../support/error-body.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const TOKEN = /^[A-Za-z0-9]{10}-[A-Za-z0-9]{22}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function setCookies(res: Response): string[] {
  const raw = res.headers['set-cookie'] as unknown;
  if (raw === undefined) return [];
  return Array.isArray(raw) ? raw.map(String) : [String(raw)];
}

function sessionCookie(res: Response): string | undefined {
  return setCookies(res).find((c) => c.startsWith('coder_session_token='));
}

/**
 * Rate limits count per wall-clock minute. Arranging (not asserting) time: start a burst early in a
 * minute so that the whole burst falls inside one window.
 */
async function awaitFreshMinute(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 55_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 250));
}

describe('first user and password login', () => {
  let server: TestServer;
  let firstUserId: string;
  let orgId: string;
  let ownerEmail: string;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  describe('first user', () => {
    it('GET /users/first is 404 before the first user exists', async () => {
      const res = await api(server).get('/api/v2/users/first');
      expectErrorBody(res, 404, 'The initial user has not been created!');
    });

    it('POST /users/first refuses a weak password (400) and creates nothing', async () => {
      const res = await api(server).post('/api/v2/users/first').send({ email: 'weak@example.com', username: 'weak', password: 'password' });
      expectErrorBody(res, 400, 'Password not strong enough!');
      expect((res.body.validations ?? []).map((v: { field: string }) => v.field)).toContain('password');
      expect((await api(server).get('/api/v2/users/first')).status).toBe(404);
    });

    it('two concurrent POST /users/first: exactly one 201 {user_id, organization_id}, the other 409', async () => {
      const [a, b] = await Promise.all([
        api(server).post('/api/v2/users/first').send({ email: 'owner-a@example.com', username: 'owner-a', password: PASSWORD }),
        api(server).post('/api/v2/users/first').send({ email: 'owner-b@example.com', username: 'owner-b', password: PASSWORD }),
      ]);
      const statuses = [a.status, b.status].sort();
      expect({ statuses, bodies: [a.body, b.body] }).toMatchObject({ statuses: [201, 409] });
      const created = a.status === 201 ? a : b;
      const refused = a.status === 201 ? b : a;
      expect(created.body).toEqual({ user_id: expect.stringMatching(UUID), organization_id: expect.stringMatching(UUID) });
      expectErrorBody(refused, 409);
      firstUserId = created.body.user_id;
      orgId = created.body.organization_id;
      ownerEmail = a.status === 201 ? 'owner-a@example.com' : 'owner-b@example.com';
      const count = await server.sql<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE NOT deleted');
      expect(count[0].n).toBe(1);
    });

    it('a later POST /users/first is 409', async () => {
      const res = await api(server).post('/api/v2/users/first').send({ email: 'late@example.com', username: 'late', password: PASSWORD });
      expectErrorBody(res, 409, 'The initial user has already been created.');
    });

    it('GET /users/first is 200 afterwards', async () => {
      const res = await api(server).get('/api/v2/users/first');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ message: expect.any(String) });
    });

    it('the first user is an active owner in the default organization', async () => {
      const token = await login(server, ownerEmail);
      const me = await api(server, token).get('/api/v2/users/me');
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: firstUserId, status: 'active', login_type: 'password', organization_ids: [orgId] });
      expect(me.body.roles).toEqual([expect.objectContaining({ name: 'owner', display_name: 'Owner' })]);
    });

    it('the default organization is "coder", is_default, with an Everyone group', async () => {
      const token = await login(server, ownerEmail);
      const org = await api(server, token).get(`/api/v2/organizations/${orgId}`);
      expect(org.status).toBe(200);
      expect(org.body).toMatchObject({ id: orgId, name: 'coder', is_default: true });
      const byName = await api(server, token).get('/api/v2/organizations/coder');
      expect(byName.status).toBe(200);
      expect(byName.body.id).toBe(orgId);
      const groups = await server.sql('SELECT id, name, organization_id FROM groups WHERE id = $1', [orgId]);
      expect(groups).toEqual([{ id: orgId, name: 'Everyone', organization_id: orgId }]);
    });
  });

  describe('POST /users/login', () => {
    let owner: FirstUser;
    let user: TestUser;

    beforeAll(async () => {
      owner = { id: firstUserId, username: ownerEmail.split('@')[0], email: ownerEmail, token: await login(server, ownerEmail), orgId };
      user = await createUser(server, owner);
    });

    it('answers 201 {session_token} and sets an HttpOnly coder_session_token cookie', async () => {
      const res = await api(server).post('/api/v2/users/login').send({ email: user.email, password: PASSWORD });
      expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
      expect(res.body).toEqual({ session_token: expect.stringMatching(TOKEN) });
      const cookie = sessionCookie(res);
      expect(cookie).toBeDefined();
      expect(cookie!.split(';')[0]).toBe(`coder_session_token=${res.body.session_token}`);
      expect(cookie!.toLowerCase()).toContain('httponly');
      expect(cookie!.toLowerCase()).toContain('path=/');
      // The token works as a header and as the cookie.
      expect((await api(server, res.body.session_token).get('/api/v2/users/me')).body.id).toBe(user.id);
      const viaCookie = await api(server).get('/api/v2/users/me').set('Cookie', `coder_session_token=${res.body.session_token}`);
      expect(viaCookie.status).toBe(200);
      expect(viaCookie.body.id).toBe(user.id);
    });

    it('each login issues a distinct session', async () => {
      const a = await login(server, user.email);
      const b = await login(server, user.email);
      expect(a).not.toBe(b);
    });

    it('a wrong password and an unknown email are both 401 with the same message', async () => {
      const wrong = await api(server).post('/api/v2/users/login').send({ email: user.email, password: 'Wrong-Password-123456' });
      const unknown = await api(server).post('/api/v2/users/login').send({ email: 'nobody-here@example.com', password: PASSWORD });
      expectErrorBody(wrong, 401);
      expectErrorBody(unknown, 401);
      expect(wrong.body).toEqual(unknown.body);
      expect(sessionCookie(wrong)).toBeUndefined();
    });

    it('a suspended user cannot log in (401)', async () => {
      const u = await createUser(server, owner);
      expect((await api(server, owner.token).put(`/api/v2/users/${u.id}/status/suspend`)).status).toBe(200);
      const res = await api(server).post('/api/v2/users/login').send({ email: u.email, password: PASSWORD });
      expectErrorBody(res, 401);
      expect(sessionCookie(res)).toBeUndefined();
    });

    it('a dormant user can log in and becomes active', async () => {
      const username = `dormant-${Math.random().toString(36).slice(2, 8)}`;
      const created = await api(server, owner.token).post('/api/v2/users').send({ username, email: `${username}@example.com`, password: PASSWORD });
      expect(created.body.status).toBe('dormant');
      const token = await login(server, `${username}@example.com`);
      const me = await api(server, token).get('/api/v2/users/me');
      expect(me.body.status).toBe('active');
    });

    it('a user with login_type none cannot log in with a password', async () => {
      const username = `nolog-${Math.random().toString(36).slice(2, 8)}`;
      const created = await api(server, owner.token).post('/api/v2/users').send({ username, email: `${username}@example.com`, login_type: 'none' });
      expect(created.status).toBe(201);
      const res = await api(server).post('/api/v2/users/login').send({ email: `${username}@example.com`, password: PASSWORD });
      expect([401, 403]).toContain(res.status);
      expectErrorBody(res, res.status);
    });
  });

  describe('GET /users/authmethods', () => {
    it('reports password enabled, GitHub and OIDC disabled, without a session', async () => {
      const res = await api(server).get('/api/v2/users/authmethods');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        password: { enabled: true },
        github: { enabled: false, default_provider_configured: expect.any(Boolean) },
        oidc: { enabled: false, signInText: expect.any(String), iconUrl: expect.any(String) },
      });
    });
  });

  describe('POST /users/logout', () => {
    it('answers 200, ends the session and clears the cookie', async () => {
      const token = await login(server, ownerEmail);
      const other = await login(server, ownerEmail);
      const res = await api(server, token).post('/api/v2/users/logout');
      expect({ status: res.status, body: res.body }).toMatchObject({ status: 200, body: { message: expect.any(String) } });
      const cookie = sessionCookie(res);
      expect(cookie).toBeDefined();
      expect(cookie!.split(';')[0]).toBe('coder_session_token=');
      expect(cookie!).toMatch(/Expires=Thu, 01 Jan 1970|Max-Age=(0|-1)/i);
      expectErrorBody(await api(server, token).get('/api/v2/users/me'), 401);
      // Only that session ends.
      expect((await api(server, other).get('/api/v2/users/me')).status).toBe(200);
    });

    it('needs a session (401)', async () => {
      expectErrorBody(await api(server).post('/api/v2/users/logout'), 401);
    });
  });

  describe('with CODER_DISABLE_PASSWORD_AUTH=true (same database)', () => {
    let disabled: TestServer;
    let member: TestUser;

    beforeAll(async () => {
      const owner = { id: firstUserId, username: 'x', email: ownerEmail, token: await login(server, ownerEmail), orgId };
      member = await createUser(server, owner);
      disabled = await startTestServer({ databaseUrl: server.databaseUrl, env: { CODER_DISABLE_PASSWORD_AUTH: 'true' } });
    });
    afterAll(() => disabled?.close());

    it('authmethods reports password disabled', async () => {
      const res = await api(disabled).get('/api/v2/users/authmethods');
      expect(res.status).toBe(200);
      expect(res.body.password).toEqual({ enabled: false });
    });

    it('password login is 403 even with correct credentials', async () => {
      const res = await api(disabled).post('/api/v2/users/login').send({ email: member.email, password: PASSWORD });
      expectErrorBody(res, 403);
      expect(sessionCookie(res)).toBeUndefined();
    });

    it('existing sessions keep working', async () => {
      expect((await api(disabled, member.token).get('/api/v2/users/me')).status).toBe(200);
    });
  });
});

describe('login rate limit (CODER_LOGIN_RATE_LIMIT=3)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { CODER_LOGIN_RATE_LIMIT: '3' } });
  });
  afterAll(() => server.close());

  it('the 4th login attempt within the minute is 429 with Retry-After', async () => {
    await awaitFreshMinute();
    const attempt = () => api(server).post('/api/v2/users/login').send({ email: 'nobody@example.com', password: 'Whatever-Password-1' });
    for (let i = 0; i < 3; i++) expectErrorBody(await attempt(), 401);
    const limited = await attempt();
    expectErrorBody(limited, 429, "You've been rate limited for sending more than 3 requests in 1m0s.");
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Limited regardless of the credentials sent.
    expectErrorBody(await attempt(), 429);
  });

  it('the login limit does not throttle ordinary API calls', async () => {
    // The API limit is untouched by the login limit: an unauthenticated public route still answers.
    for (let i = 0; i < 5; i++) expect((await api(server).get('/api/v2/users/authmethods')).status).toBe(200);
  });
});

describe('API rate limit (CODER_API_RATE_LIMIT=5)', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;
  beforeAll(async () => {
    server = await startTestServer({ env: { CODER_API_RATE_LIMIT: '5' } });
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
  });
  afterAll(() => server.close());

  it('the 6th GET /users/me within the minute is 429; an owner may bypass with X-Coder-Bypass-Ratelimit', async () => {
    await awaitFreshMinute();
    for (let i = 0; i < 5; i++) expect((await api(server, owner.token).get('/api/v2/users/me')).status).toBe(200);
    const limited = await api(server, owner.token).get('/api/v2/users/me');
    expectErrorBody(limited, 429, "You've been rate limited for sending more than 5 requests in 1m0s.");
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);

    for (let i = 0; i < 3; i++) {
      const bypass = await api(server, owner.token).get('/api/v2/users/me').set('X-Coder-Bypass-Ratelimit', 'true');
      expect(bypass.status).toBe(200);
    }
  });

  it('a non-owner sending X-Coder-Bypass-Ratelimit is still limited', async () => {
    await awaitFreshMinute();
    const get = () => api(server, member.token).get('/api/v2/users/me').set('X-Coder-Bypass-Ratelimit', 'true');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await get()).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });
});
