// `has_ai_seat` on users and organization members: true exactly for users with a row in ai_seat_state.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, createFirstUser, createUser, login, type FirstUser, type TestUser } from '../../support/fixtures.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

interface HasSeat {
  username?: string;
  id?: string;
  user_id?: string;
  has_ai_seat: boolean;
}

describe('has_ai_seat', () => {
  let server: TestServer;
  let owner: FirstUser;
  let seated: TestUser;
  let plain: TestUser;
  /** A session of `seated` that authenticated (and was cached) before the seat existed. */
  let earlyToken: string;

  const as = (token: string) => api(server, token);
  /** username -> has_ai_seat, for the users the test created. */
  const seats = (items: HasSeat[], name: (x: HasSeat) => string) =>
    Object.fromEntries(items.map((x) => [name(x), x.has_ai_seat]).filter(([n]) => ['owner', 'seated', 'plain'].includes(n as string)));
  const EXPECTED = { owner: false, seated: true, plain: false };

  async function giveSeat(userId: string): Promise<void> {
    await server.sql(
      `INSERT INTO ai_seat_state (user_id, first_used_at, last_used_at, last_event_type) VALUES ($1, now(), now(), 'aibridge')`,
      [userId],
    );
  }

  beforeAll(async () => {
    server = await startTestServer();
    owner = await createFirstUser(server);
    seated = await createUser(server, owner, { username: 'seated' });
    plain = await createUser(server, owner, { username: 'plain' });
    earlyToken = seated.token;
    const before = await as(earlyToken).get('/api/v2/users/me');
    expect({ status: before.status, has_ai_seat: before.body.has_ai_seat }).toEqual({ status: 200, has_ai_seat: false });
    await giveSeat(seated.id);
  });
  afterAll(() => server?.close());

  it('GET /users: true only for the user with a seat', async () => {
    const res = await as(owner.token).get('/api/v2/users');
    expect(res.status).toBe(200);
    expect(seats(res.body.users, (u) => u.username!)).toEqual(EXPECTED);
    for (const u of res.body.users) expect(typeof u.has_ai_seat).toBe('boolean');
  });

  it('GET /users pages compute it per row (limit, offset, after_id, search)', async () => {
    const page = await as(owner.token).get('/api/v2/users').query({ limit: 1, offset: 2 });
    expect(page.body.users.map((u: HasSeat) => [u.username, u.has_ai_seat])).toEqual([['seated', true]]);
    const after = await as(owner.token).get('/api/v2/users').query({ limit: 1, after_id: plain.id });
    expect(after.body.users.map((u: HasSeat) => [u.username, u.has_ai_seat])).toEqual([['seated', true]]);
    const search = await as(owner.token).get('/api/v2/users').query({ q: 'username:seated' });
    expect(search.body).toEqual({ users: [expect.objectContaining({ id: seated.id, has_ai_seat: true })], count: 1 });
  });

  it.each([['id'], ['username']])('GET /users/{user} by %s', async (by) => {
    for (const u of [owner, seated, plain]) {
      const res = await as(owner.token).get(`/api/v2/users/${by === 'id' ? u.id : u.username}`);
      expect({ user: u.username, status: res.status, has_ai_seat: res.body.has_ai_seat }).toEqual({
        user: u.username,
        status: 200,
        has_ai_seat: u === seated,
      });
    }
  });

  it('GET /users/{user} by the seated user themselves, by id (not served from the session cache)', async () => {
    const res = await as(earlyToken).get(`/api/v2/users/${seated.id}`);
    expect({ status: res.status, has_ai_seat: res.body.has_ai_seat }).toEqual({ status: 200, has_ai_seat: true });
  });

  it('GET /users/me after a fresh login: true for the seated user, false for the others', async () => {
    for (const u of [owner, seated, plain]) {
      const token = await login(server, u.email);
      const res = await as(token).get('/api/v2/users/me');
      expect({ user: u.username, status: res.status, has_ai_seat: res.body.has_ai_seat }).toEqual({
        user: u.username,
        status: 200,
        has_ai_seat: u === seated,
      });
    }
    // `earlyToken` may still answer false here: /users/me is served from the authentication cache,
    // which a seat row inserted behind the server's back does not invalidate (at most 60 s stale).
  });

  it('GET /organizations/{org}/members', async () => {
    const res = await as(owner.token).get(`/api/v2/organizations/${owner.orgId}/members`);
    expect(res.status).toBe(200);
    expect(seats(res.body, (m) => m.username!)).toEqual(EXPECTED);
  });

  it('GET /organizations/{org}/paginated-members, whole and one row at a time', async () => {
    const all = await as(owner.token).get(`/api/v2/organizations/${owner.orgId}/paginated-members`);
    expect(all.status).toBe(200);
    expect(all.body.count).toBe(3);
    expect(seats(all.body.members, (m) => m.username!)).toEqual(EXPECTED);
    const rows: Array<[string, boolean]> = [];
    for (let offset = 0; offset < 3; offset++) {
      const page = await as(owner.token).get(`/api/v2/organizations/${owner.orgId}/paginated-members`).query({ limit: 1, offset });
      rows.push(...page.body.members.map((m: HasSeat): [string, boolean] => [m.username!, m.has_ai_seat]));
    }
    expect(rows).toEqual([['owner', false], ['plain', false], ['seated', true]]);
  });

  it('GET /organizations/{org}/members/{user}', async () => {
    for (const u of [owner, seated, plain]) {
      const res = await as(owner.token).get(`/api/v2/organizations/${owner.orgId}/members/${u.username}`);
      expect({ user: u.username, status: res.status, has_ai_seat: res.body.has_ai_seat }).toEqual({
        user: u.username,
        status: 200,
        has_ai_seat: u === seated,
      });
    }
  });

  it('removing the seat row turns it back to false', async () => {
    await server.sql('DELETE FROM ai_seat_state WHERE user_id = $1', [seated.id]);
    try {
      const res = await as(owner.token).get(`/api/v2/users/${seated.id}`);
      expect(res.body.has_ai_seat).toBe(false);
      const members = await as(owner.token).get(`/api/v2/organizations/${owner.orgId}/members`);
      expect(seats(members.body, (m) => m.username!)).toEqual({ owner: false, seated: false, plain: false });
    } finally {
      await giveSeat(seated.id);
    }
  });
});
