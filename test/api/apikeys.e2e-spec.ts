import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const TOKEN_RE = /^[A-Za-z0-9]{10}-[A-Za-z0-9]{22}$/;
const HOUR_S = 3600;
const DAY_S = 24 * HOUR_S;
const NS_PER_S = 1_000_000_000;
/** The deployment's maximum token lifetime for this file (CODER_MAX_TOKEN_LIFETIME). */
const MAX_TOKEN_LIFETIME_H = 1000;

const keyId = (token: string) => token.split('-')[0];
const secretOf = (token: string) => token.split('-')[1];

/** Asserts that `iso` lies within [before + seconds, after + seconds] (1 s slack for rounding). */
function expectExpiry(iso: string, before: number, after: number, seconds: number) {
  const t = Date.parse(iso);
  expect(t).toBeGreaterThanOrEqual(before + seconds * 1000 - 1000);
  expect(t).toBeLessThanOrEqual(after + seconds * 1000 + 1000);
}

describe('API keys (/users/{user}/keys)', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;

  beforeAll(async () => {
    server = await startTestServer({ env: { CODER_MAX_TOKEN_LIFETIME: `${MAX_TOKEN_LIFETIME_H}h` } });
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
  });
  afterAll(() => server.close());

  async function createToken(token: string, body: Record<string, unknown>, user = 'me'): Promise<string> {
    const res = await api(server, token).post(`/api/v2/users/${user}/keys/tokens`).send(body);
    expect(res.status).toBe(201);
    return res.body.key;
  }

  async function createSessionKey(token: string, user = 'me'): Promise<string> {
    const res = await api(server, token).post(`/api/v2/users/${user}/keys`);
    expect(res.status).toBe(201);
    return res.body.key;
  }

  describe('POST /users/{user}/keys', () => {
    it('answers 201 {key} with a token in Coder\'s <10>-<22> format that authenticates as the user', async () => {
      const res = await api(server, owner.token).post('/api/v2/users/me/keys');
      expect(res.status).toBe(201);
      expect(Object.keys(res.body)).toEqual(['key']);
      expect(res.body.key).toMatch(TOKEN_RE);

      const me = await api(server, res.body.key).get('/api/v2/users/me');
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(owner.id);
    });

    it('stores only sha256(secret): the secret appears nowhere in the api_keys row', async () => {
      const token = await createSessionKey(owner.token);
      const rows = await server.sql<{ hashed_secret: Buffer; user_id: string; row: string }>(
        `SELECT k.hashed_secret, k.user_id, row_to_json(k)::text AS row FROM api_keys k WHERE k.id = $1`,
        [keyId(token)],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0].user_id).toBe(owner.id);
      const expected = createHash('sha256').update(secretOf(token)).digest();
      expect(Buffer.from(rows[0].hashed_secret).equals(expected)).toBe(true);
      expect(rows[0].row).not.toContain(secretOf(token));
      expect(rows[0].row).not.toContain(token);
    });

    it('creates a password-login key lasting one week, as Coder\'s postAPIKey does', async () => {
      const before = Date.now();
      const token = await createSessionKey(owner.token);
      const after = Date.now();
      const res = await api(server, owner.token).get(`/api/v2/users/me/keys/${keyId(token)}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: keyId(token), user_id: owner.id, login_type: 'password', token_name: '', lifetime_seconds: 7 * DAY_S });
      expectExpiry(res.body.expires_at, before, after, 7 * DAY_S);
    });

    it('lets an owner create a key for another user, but not a member for the owner (404)', async () => {
      const forMember = await createSessionKey(owner.token, member.id);
      const me = await api(server, forMember).get('/api/v2/users/me');
      expect(me.body.id).toBe(member.id);

      const denied = await api(server, member.token).post(`/api/v2/users/${owner.id}/keys`);
      expect(denied.status).toBe(404);
      expect(typeof denied.body.message).toBe('string');
    });
  });

  describe('POST /users/{user}/keys/tokens', () => {
    it('applies Coder\'s defaults: scopes [coder:all], allow_list [*:*], 30 days, login_type token', async () => {
      const before = Date.now();
      const token = await createToken(owner.token, { token_name: 'defaults' });
      const after = Date.now();
      expect(token).toMatch(TOKEN_RE);

      const res = await api(server, owner.token).get('/api/v2/users/me/keys/tokens/defaults');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: keyId(token),
        user_id: owner.id,
        login_type: 'token',
        token_name: 'defaults',
        scope: 'all',
        scopes: ['coder:all'],
        allow_list: [{ type: '*', id: '*' }],
        lifetime_seconds: 30 * DAY_S,
      });
      expect(res.body).not.toHaveProperty('hashed_secret');
      expectExpiry(res.body.expires_at, before, after, 30 * DAY_S);

      const me = await api(server, token).get('/api/v2/users/me');
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(owner.id);
    });

    it('stores only sha256(secret) for tokens too', async () => {
      const token = await createToken(owner.token, { token_name: 'hashed' });
      const rows = await server.sql<{ hashed_secret: Buffer; row: string }>(
        `SELECT k.hashed_secret, row_to_json(k)::text AS row FROM api_keys k WHERE k.id = $1`,
        [keyId(token)],
      );
      expect(Buffer.from(rows[0].hashed_secret).equals(createHash('sha256').update(secretOf(token)).digest())).toBe(true);
      expect(rows[0].row).not.toContain(secretOf(token));
    });

    it('takes an explicit lifetime in nanoseconds', async () => {
      const before = Date.now();
      await createToken(owner.token, { token_name: 'two-hours', lifetime: 2 * HOUR_S * NS_PER_S });
      const after = Date.now();
      const res = await api(server, owner.token).get('/api/v2/users/me/keys/tokens/two-hours');
      expect(res.status).toBe(200);
      expect(res.body.lifetime_seconds).toBe(2 * HOUR_S);
      expectExpiry(res.body.expires_at, before, after, 2 * HOUR_S);
    });

    it('accepts a lifetime equal to the maximum', async () => {
      await createToken(owner.token, { token_name: 'at-max', lifetime: MAX_TOKEN_LIFETIME_H * HOUR_S * NS_PER_S });
      const res = await api(server, owner.token).get('/api/v2/users/me/keys/tokens/at-max');
      expect(res.body.lifetime_seconds).toBe(MAX_TOKEN_LIFETIME_H * HOUR_S);
    });

    it('refuses a lifetime over CODER_MAX_TOKEN_LIFETIME with 400 and a `lifetime` validation', async () => {
      const res = await api(server, owner.token)
        .post('/api/v2/users/me/keys/tokens')
        .send({ token_name: 'too-long', lifetime: (MAX_TOKEN_LIFETIME_H + 1) * HOUR_S * NS_PER_S });
      expect(res.status).toBe(400);
      expect(typeof res.body.message).toBe('string');
      expect(res.body.validations).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'lifetime' })]));
      const after = await api(server, owner.token).get('/api/v2/users/me/keys/tokens/too-long');
      expect(after.status).toBe(404);
    });

    it('maps the legacy `scope: "all"` to scopes [coder:all]', async () => {
      await createToken(owner.token, { token_name: 'legacy-all', scope: 'all' });
      const res = await api(server, owner.token).get('/api/v2/users/me/keys/tokens/legacy-all');
      expect(res.body.scopes).toEqual(['coder:all']);
      expect(res.body.scope).toBe('all');
    });

    it('maps the legacy `scope: "application_connect"` to scopes [coder:application_connect]', async () => {
      await createToken(owner.token, { token_name: 'legacy-app', scope: 'application_connect' });
      const res = await api(server, owner.token).get('/api/v2/users/me/keys/tokens/legacy-app');
      expect(res.body.scopes).toEqual(['coder:application_connect']);
      expect(res.body.scope).toBe('application_connect');
    });

    it('keeps explicit low-level scopes', async () => {
      await createToken(owner.token, { token_name: 'ws-read', scopes: ['workspace:read'] });
      const res = await api(server, owner.token).get('/api/v2/users/me/keys/tokens/ws-read');
      expect(res.body.scopes).toEqual(['workspace:read']);
    });

    it('refuses an unknown scope with 400', async () => {
      const res = await api(server, owner.token).post('/api/v2/users/me/keys/tokens').send({ token_name: 'bad-scope', scopes: ['nonsense:fly'] });
      expect(res.status).toBe(400);
      expect(typeof res.body.message).toBe('string');
      expect((await api(server, owner.token).get('/api/v2/users/me/keys/tokens/bad-scope')).status).toBe(404);
    });

    it('stores a valid allow list entry', async () => {
      const id = randomUUID();
      await createToken(owner.token, { token_name: 'pinned', allow_list: [{ type: 'workspace', id }] });
      const res = await api(server, owner.token).get('/api/v2/users/me/keys/tokens/pinned');
      expect(res.body.allow_list).toEqual([{ type: 'workspace', id }]);
    });

    it('refuses an allow list entry with an unknown resource type (400)', async () => {
      const res = await api(server, owner.token)
        .post('/api/v2/users/me/keys/tokens')
        .send({ token_name: 'bad-type', allow_list: [{ type: 'spaceship', id: '*' }] });
      expect(res.status).toBe(400);
      expect(res.body.validations?.length).toBeGreaterThan(0);
      expect(res.body.validations[0].field).toMatch(/allow_list/);
      expect((await api(server, owner.token).get('/api/v2/users/me/keys/tokens/bad-type')).status).toBe(404);
    });

    it('refuses an allow list entry whose id is neither "*" nor a UUID (400)', async () => {
      const res = await api(server, owner.token)
        .post('/api/v2/users/me/keys/tokens')
        .send({ token_name: 'bad-id', allow_list: [{ type: 'workspace', id: 'not-a-uuid' }] });
      expect(res.status).toBe(400);
      expect(res.body.validations?.length).toBeGreaterThan(0);
      expect(res.body.validations[0].field).toMatch(/allow_list/);
      expect((await api(server, owner.token).get('/api/v2/users/me/keys/tokens/bad-id')).status).toBe(404);
    });

    it('answers 400 with a validation on token_name for a duplicate token name of the same user, and keeps the first', async () => {
      const first = await createToken(owner.token, { token_name: 'dupe' });
      const res = await api(server, owner.token).post('/api/v2/users/me/keys/tokens').send({ token_name: 'dupe', scopes: ['workspace:read'] });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('A token with name "dupe" already exists.');
      expect(res.body.validations).toEqual([{ field: 'token_name', detail: 'This value is already in use and should be unique.' }]);
      const kept = await api(server, owner.token).get('/api/v2/users/me/keys/tokens/dupe');
      expect(kept.body.id).toBe(keyId(first));
      expect(kept.body.scopes).toEqual(['coder:all']);
    });

    it('allows the same token name for a different user', async () => {
      await createToken(owner.token, { token_name: 'shared-name' });
      const token = await createToken(member.token, { token_name: 'shared-name' });
      expect(token).toMatch(TOKEN_RE);
    });
  });

  describe('GET /users/{user}/keys/tokens', () => {
    let ownerToken: string;
    let memberToken: string;
    let sessionKey: string;
    let expiredToken: string;

    beforeAll(async () => {
      ownerToken = await createToken(owner.token, { token_name: 'list-owner' });
      memberToken = await createToken(member.token, { token_name: 'list-member' });
      sessionKey = await createSessionKey(owner.token);
      expiredToken = await createToken(owner.token, { token_name: 'list-expired' });
      await server.sql(`UPDATE api_keys SET expires_at = now() - interval '1 hour' WHERE id = $1`, [keyId(expiredToken)]);
    });

    const ids = (body: Array<{ id: string }>) => body.map((k) => k.id);

    it('lists the caller\'s tokens only (no session keys, no other users\' tokens) with the owner username', async () => {
      const res = await api(server, owner.token).get('/api/v2/users/me/keys/tokens');
      expect(res.status).toBe(200);
      expect(ids(res.body)).toContain(keyId(ownerToken));
      expect(ids(res.body)).not.toContain(keyId(sessionKey));
      expect(ids(res.body)).not.toContain(keyId(owner.token));
      expect(ids(res.body)).not.toContain(keyId(memberToken));
      for (const k of res.body) {
        expect(k.login_type).toBe('token');
        expect(k.user_id).toBe(owner.id);
        expect(k.username).toBe(owner.username);
      }
    });

    it('leaves out expired tokens unless include_expired=true', async () => {
      const without = await api(server, owner.token).get('/api/v2/users/me/keys/tokens');
      expect(ids(without.body)).not.toContain(keyId(expiredToken));
      const withExpired = await api(server, owner.token).get('/api/v2/users/me/keys/tokens?include_expired=true');
      expect(withExpired.status).toBe(200);
      expect(ids(withExpired.body)).toContain(keyId(expiredToken));
      expect(ids(withExpired.body)).toContain(keyId(ownerToken));
    });

    it('include_all=true shows an owner every user\'s tokens', async () => {
      const res = await api(server, owner.token).get('/api/v2/users/me/keys/tokens?include_all=true');
      expect(res.status).toBe(200);
      expect(ids(res.body)).toContain(keyId(ownerToken));
      const theirs = res.body.find((k: { id: string }) => k.id === keyId(memberToken));
      expect(theirs).toMatchObject({ user_id: member.id, username: member.username, token_name: 'list-member' });
      expect(ids(res.body)).not.toContain(keyId(sessionKey));
    });

    it('include_all=true shows a member only their own tokens', async () => {
      const res = await api(server, member.token).get('/api/v2/users/me/keys/tokens?include_all=true');
      expect(res.status).toBe(200);
      expect(ids(res.body)).toContain(keyId(memberToken));
      expect(res.body.length).toBeGreaterThan(0);
      for (const k of res.body) expect(k.user_id).toBe(member.id);
    });

    it('a member cannot list the owner\'s tokens (404)', async () => {
      const res = await api(server, member.token).get(`/api/v2/users/${owner.id}/keys/tokens`);
      expect(res.status).toBe(404);
    });
  });

  describe('GET /users/{user}/keys/tokens/{name} and tokenconfig', () => {
    it('finds a token by name, and 404 for an unknown name', async () => {
      const token = await createToken(owner.token, { token_name: 'by-name' });
      const found = await api(server, owner.token).get(`/api/v2/users/${owner.username}/keys/tokens/by-name`);
      expect(found.status).toBe(200);
      expect(found.body.id).toBe(keyId(token));
      const missing = await api(server, owner.token).get('/api/v2/users/me/keys/tokens/no-such-token');
      expect(missing.status).toBe(404);
      expect(typeof missing.body.message).toBe('string');
    });

    it('does not find another user\'s token by name under your own path', async () => {
      await createToken(member.token, { token_name: 'member-only' });
      const res = await api(server, owner.token).get('/api/v2/users/me/keys/tokens/member-only');
      expect(res.status).toBe(404);
    });

    it('reports max_token_lifetime in nanoseconds, matching CODER_MAX_TOKEN_LIFETIME', async () => {
      const res = await api(server, owner.token).get('/api/v2/users/me/keys/tokens/tokenconfig');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ max_token_lifetime: MAX_TOKEN_LIFETIME_H * HOUR_S * NS_PER_S });
      const asMember = await api(server, member.token).get('/api/v2/users/me/keys/tokens/tokenconfig');
      expect(asMember.status).toBe(200);
      expect(asMember.body.max_token_lifetime).toBe(MAX_TOKEN_LIFETIME_H * HOUR_S * NS_PER_S);
    });
  });

  describe('GET/DELETE /users/{user}/keys/{keyid}', () => {
    it('reads a key by id', async () => {
      const token = await createToken(owner.token, { token_name: 'by-id' });
      const res = await api(server, owner.token).get(`/api/v2/users/me/keys/${keyId(token)}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: keyId(token), user_id: owner.id, token_name: 'by-id', login_type: 'token' });
      const missing = await api(server, owner.token).get('/api/v2/users/me/keys/ZZZZZZZZZZ');
      expect(missing.status).toBe(404);
    });

    it('deletes a key (204) and the deleted key is refused (401) on its very next request', async () => {
      const token = await createSessionKey(owner.token);
      // Used (and so cached by the server) before deletion.
      expect((await api(server, token).get('/api/v2/users/me')).status).toBe(200);

      const del = await api(server, owner.token).delete(`/api/v2/users/me/keys/${keyId(token)}`);
      expect(del.status).toBe(204);
      expect(del.text).toBe('');

      const after = await api(server, token).get('/api/v2/users/me');
      expect(after.status).toBe(401);
      expect((await api(server, owner.token).get(`/api/v2/users/me/keys/${keyId(token)}`)).status).toBe(404);
      const rows = await server.sql(`SELECT 1 FROM api_keys WHERE id = $1`, [keyId(token)]);
      expect(rows).toHaveLength(0);
      expect((await api(server, owner.token).delete(`/api/v2/users/me/keys/${keyId(token)}`)).status).toBe(404);
    });

    it('a key can delete itself', async () => {
      const token = await createSessionKey(owner.token);
      const del = await api(server, token).delete(`/api/v2/users/me/keys/${keyId(token)}`);
      expect(del.status).toBe(204);
      expect((await api(server, token).get('/api/v2/users/me')).status).toBe(401);
    });

    it('another user\'s key id under your own path is 404 (read and delete), and the key survives', async () => {
      const memberKey = await createSessionKey(member.token);
      const read = await api(server, owner.token).get(`/api/v2/users/me/keys/${keyId(memberKey)}`);
      expect(read.status).toBe(404);
      const del = await api(server, owner.token).delete(`/api/v2/users/me/keys/${keyId(memberKey)}`);
      expect(del.status).toBe(404);
      expect((await api(server, memberKey).get('/api/v2/users/me')).status).toBe(200);
    });

    it('a member cannot read or delete the owner\'s keys (404), and the key survives', async () => {
      const ownerKey = await createSessionKey(owner.token);
      expect((await api(server, member.token).get(`/api/v2/users/${owner.id}/keys/${keyId(ownerKey)}`)).status).toBe(404);
      expect((await api(server, member.token).delete(`/api/v2/users/${owner.id}/keys/${keyId(ownerKey)}`)).status).toBe(404);
      expect((await api(server, member.token).get(`/api/v2/users/me/keys/${keyId(ownerKey)}`)).status).toBe(404);
      expect((await api(server, member.token).delete(`/api/v2/users/me/keys/${keyId(ownerKey)}`)).status).toBe(404);
      const still = await api(server, ownerKey).get('/api/v2/users/me');
      expect(still.status).toBe(200);
      expect(still.body.id).toBe(owner.id);
    });

    it('an owner can delete a member\'s key under the member\'s path', async () => {
      const memberKey = await createSessionKey(member.token);
      expect((await api(server, memberKey).get('/api/v2/users/me')).status).toBe(200);
      const del = await api(server, owner.token).delete(`/api/v2/users/${member.id}/keys/${keyId(memberKey)}`);
      expect(del.status).toBe(204);
      expect((await api(server, memberKey).get('/api/v2/users/me')).status).toBe(401);
    });
  });
});
