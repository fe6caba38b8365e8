import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { api, createFirstUser, createUser, login, type FirstUser } from '../support/fixtures.js';
import { pollStatus } from '../support/poll.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const SIGNED_OUT = 'You are signed out or your session has expired. Please sign in again to continue.';
const ME = '/api/v2/users/me';
const HOUR_MS = 3_600_000;
/** Well-formed, but no such key exists. */
const UNKNOWN_TOKEN = 'AAAAAAAAAA-BBBBBBBBBBBBBBBBBBBBBB';

const keyId = (token: string) => token.split('-')[0];

type Source = 'cookie' | 'query' | 'header' | 'bearer' | 'access_token';
/** Coder's extraction order, highest precedence first. */
const SOURCES: Source[] = ['cookie', 'query', 'header', 'bearer', 'access_token'];

/** GET /users/me presenting each given token through the given source. */
function meWith(server: TestServer, tokens: Partial<Record<Source, string>>) {
  const query = new URLSearchParams();
  if (tokens.query) query.set('coder_session_token', tokens.query);
  if (tokens.access_token) query.set('access_token', tokens.access_token);
  const qs = query.toString();
  let req = request(server.url).get(qs ? `${ME}?${qs}` : ME);
  if (tokens.cookie) req = req.set('Cookie', `coder_session_token=${tokens.cookie}`);
  if (tokens.header) req = req.set('Coder-Session-Token', tokens.header);
  if (tokens.bearer) req = req.set('Authorization', `Bearer ${tokens.bearer}`);
  return req;
}

/** Repeats the request until it answers `want` or `withinMs` passes (bounded); returns the last status. */
describe('authentication', () => {
  let server: TestServer;
  let owner: FirstUser;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await createFirstUser(server);
  });
  afterAll(() => server.close());

  /** A fresh session key for the owner that no request has used yet. */
  async function freshKey(): Promise<string> {
    const res = await api(server, owner.token).post('/api/v2/users/me/keys');
    expect(res.status).toBe(201);
    return res.body.key;
  }

  async function keyRow(token: string) {
    const rows = await server.sql<{ last_used: Date; expires_at: Date; updated_at: Date; lifetime_seconds: string }>(
      `SELECT last_used, expires_at, updated_at, lifetime_seconds FROM api_keys WHERE id = $1`,
      [keyId(token)],
    );
    expect(rows).toHaveLength(1);
    return rows[0];
  }

  describe('token sources', () => {
    for (const source of SOURCES) {
      it(`accepts the token from ${source}`, async () => {
        const res = await meWith(server, { [source]: owner.token });
        expect(res.status).toBe(200);
        expect(res.body.id).toBe(owner.id);
      });
    }

    for (let i = 0; i < SOURCES.length; i++) {
      for (let j = i + 1; j < SOURCES.length; j++) {
        const hi = SOURCES[i];
        const lo = SOURCES[j];
        it(`${hi} takes precedence over ${lo}: valid ${hi} + invalid ${lo} → 200`, async () => {
          const res = await meWith(server, { [hi]: owner.token, [lo]: UNKNOWN_TOKEN });
          expect(res.status).toBe(200);
          expect(res.body.id).toBe(owner.id);
        });
        it(`${hi} takes precedence over ${lo}: invalid ${hi} + valid ${lo} → 401`, async () => {
          const res = await meWith(server, { [hi]: UNKNOWN_TOKEN, [lo]: owner.token });
          expect(res.status).toBe(401);
          expect(res.body.message).toBe(SIGNED_OUT);
        });
      }
    }

    it('ignores a non-Bearer Authorization header (treated as no token)', async () => {
      const res = await request(server.url).get(ME).set('Authorization', `Basic ${owner.token}`);
      expect(res.status).toBe(401);
      expect(res.body.detail).toContain('coder_session_token');
    });

    it('a non-Bearer Authorization header does not shadow a later source', async () => {
      const res = await request(server.url)
        .get(`${ME}?access_token=${owner.token}`)
        .set('Authorization', `Token ${UNKNOWN_TOKEN}`);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(owner.id);
    });
  });

  describe('rejections', () => {
    it('no token → 401 signed-out message, detail naming coder_session_token, WWW-Authenticate Bearer realm="coder"', async () => {
      const res = await request(server.url).get(ME);
      expect(res.status).toBe(401);
      expect(res.body.message).toBe(SIGNED_OUT);
      expect(res.body.detail).toContain('coder_session_token');
      expect(res.headers['www-authenticate']).toContain('Bearer realm="coder"');
    });

    it('malformed token → 401, detail starting "Invalid API key format"', async () => {
      for (const bad of ['nonsense', 'a-b-c', 'short-BBBBBBBBBBBBBBBBBBBBBB', 'AAAAAAAAAA-short']) {
        const res = await meWith(server, { header: bad });
        expect(res.status).toBe(401);
        expect(res.body.message).toBe(SIGNED_OUT);
        expect(res.body.detail).toMatch(/^Invalid API key format/);
        expect(res.headers['www-authenticate']).toContain('Bearer realm="coder"');
      }
    });

    it('unknown key id → 401 with an invalid_token WWW-Authenticate', async () => {
      const res = await meWith(server, { header: UNKNOWN_TOKEN });
      expect(res.status).toBe(401);
      expect(res.body.message).toBe(SIGNED_OUT);
      expect(typeof res.body.detail).toBe('string');
      expect(res.headers['www-authenticate']).toContain('Bearer realm="coder"');
      expect(res.headers['www-authenticate']).toContain('invalid_token');
    });

    it('right id, wrong secret → 401 "API key secret is invalid."', async () => {
      const token = await freshKey();
      const wrong = `${keyId(token)}-${'x'.repeat(22)}`;
      const res = await meWith(server, { header: wrong });
      expect(res.status).toBe(401);
      expect(res.body.message).toBe(SIGNED_OUT);
      expect(res.body.detail).toBe('API key secret is invalid.');
      // Also once the key is cached by a successful request.
      expect((await meWith(server, { header: token })).status).toBe(200);
      const again = await meWith(server, { header: wrong });
      expect(again.status).toBe(401);
      expect(again.body.detail).toBe('API key secret is invalid.');
      // A secret differing in one character only, after the right one was verified and remembered.
      const last = token.slice(-1) === 'a' ? 'b' : 'a';
      expect((await meWith(server, { header: token.slice(0, -1) + last })).status).toBe(401);
      expect((await meWith(server, { header: token })).status).toBe(200);
    });

    it('expired key → 401 whose detail and WWW-Authenticate mention "expired"', async () => {
      const token = await freshKey(); // never used, so the server has not cached it
      await server.sql(`UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE id = $1`, [keyId(token)]);
      const res = await meWith(server, { header: token });
      expect(res.status).toBe(401);
      expect(res.body.message).toBe(SIGNED_OUT);
      expect(res.body.detail).toContain('expired');
      expect(res.headers['www-authenticate']).toContain('Bearer realm="coder"');
      expect(res.headers['www-authenticate']).toContain('expired');
    });

    it('a suspended user\'s key → 401, at once, even though it was just used', async () => {
      const member = await createUser(server, owner);
      expect((await meWith(server, { header: member.token })).status).toBe(200);
      const suspend = await api(server, owner.token).put(`/api/v2/users/${member.id}/status/suspend`);
      expect(suspend.status).toBe(200);
      const res = await meWith(server, { header: member.token });
      expect(res.status).toBe(401);
      expect(res.body.message).toContain('suspended');
      // Reactivated: the same key works again.
      expect((await api(server, owner.token).put(`/api/v2/users/${member.id}/status/activate`)).status).toBe(200);
      expect((await meWith(server, { header: member.token })).status).toBe(200);
    });

    it('a logged-out session is refused at once', async () => {
      const token = await login(server, owner.email);
      expect((await meWith(server, { header: token })).status).toBe(200);
      expect((await api(server, token).post('/api/v2/users/logout')).status).toBe(200);
      expect((await meWith(server, { header: token })).status).toBe(401);
    });
  });

  describe('bookkeeping', () => {
    it('last_used starts at the epoch, is set on first use, and is not rewritten by a second request within the hour', async () => {
      const token = await freshKey();
      const initial = await keyRow(token);
      expect(initial.last_used.getTime()).toBe(0);

      const before = Date.now();
      expect((await meWith(server, { header: token })).status).toBe(200);
      const first = await keyRow(token);
      expect(first.last_used.getTime()).toBeGreaterThan(before - 60_000);
      expect(first.last_used.getTime()).toBeGreaterThan(0);

      expect((await meWith(server, { header: token })).status).toBe(200);
      expect((await api(server, token).get('/api/v2/users/roles')).status).toBe(200);
      const second = await keyRow(token);
      expect(second.last_used.toISOString()).toBe(first.last_used.toISOString());
      expect(second.expires_at.toISOString()).toBe(first.expires_at.toISOString());
    });

    it('slides a session\'s expiry: 24h key expiring in 2h is extended to ~now+24h after one request', async () => {
      const token = await login(server, owner.email); // a 24h session (CODER_SESSION_DURATION default)
      expect(Number((await keyRow(token)).lifetime_seconds)).toBe(24 * 3600);
      await server.sql(`UPDATE api_keys SET expires_at = now() + interval '2 hours' WHERE id = $1`, [keyId(token)]);

      const before = Date.now();
      expect((await meWith(server, { header: token })).status).toBe(200);
      const after = Date.now();
      const row = await keyRow(token);
      // Extended to "now + lifetime" (the request's now), far beyond the 2h that was set.
      expect(row.expires_at.getTime()).toBeGreaterThanOrEqual(before + 24 * HOUR_MS - 1000);
      expect(row.expires_at.getTime()).toBeLessThanOrEqual(after + 24 * HOUR_MS + 1000);
    });
  });

  describe('two replicas on one database', () => {
    let replicaB: TestServer;

    beforeAll(async () => {
      replicaB = await startTestServer({ databaseUrl: server.databaseUrl });
    });
    afterAll(() => replicaB.close());

    it('a key deleted on replica A is refused by replica B within 2 s (LISTEN/NOTIFY cache invalidation)', async () => {
      const token = await freshKey();
      // Both replicas see (and cache) the key.
      expect((await meWith(server, { header: token })).status).toBe(200);
      const onB = await meWith(replicaB, { header: token });
      expect(onB.status).toBe(200);
      expect(onB.body.id).toBe(owner.id);

      const del = await api(server, owner.token).delete(`/api/v2/users/me/keys/${keyId(token)}`);
      expect(del.status).toBe(204);
      expect((await meWith(server, { header: token })).status).toBe(401);

      expect(await pollStatus(() => meWith(replicaB, { header: token }), 401, 2000)).toBe(401);
    });

    it('a user suspended through replica A is refused by replica B within 2 s', async () => {
      const member = await createUser(server, owner);
      expect((await meWith(replicaB, { header: member.token })).status).toBe(200);
      expect((await api(server, owner.token).put(`/api/v2/users/${member.id}/status/suspend`)).status).toBe(200);

      expect(await pollStatus(() => meWith(replicaB, { header: member.token }), 401, 2000)).toBe(401);
    });
  });
});
