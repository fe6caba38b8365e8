// The requestable scope catalog (GET /auth/scopes), what token creation accepts from it, and
// expiring keys (PUT /users/{user}/keys/{keyid}/expire), on one server and across two replicas.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectErrorBody } from '../support/error-body.js';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../support/fixtures.js';
import { pollStatus } from '../support/poll.js';
import { COMPOSITE_SCOPE_NAMES } from '../support/scopes.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const keyId = (token: string) => token.split('-')[0];

describe('token lifecycle', () => {
  let server: TestServer;
  let replicaB: TestServer;
  let owner: FirstUser;
  let member: TestUser;
  let seq = 0;
  const name = (prefix: string) => `${prefix}-${++seq}`;

  beforeAll(async () => {
    server = await startTestServer();
    replicaB = await startTestServer({ databaseUrl: server.databaseUrl });
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
  });
  afterAll(async () => {
    await replicaB.close();
    await server.close();
  });

  async function createToken(token: string, body: Record<string, unknown>, user = 'me'): Promise<string> {
    const res = await api(server, token).post(`/api/v2/users/${user}/keys/tokens`).send(body);
    expect(res.status).toBe(201);
    return res.body.key;
  }

  describe('GET /api/v2/auth/scopes', () => {
    let external: string[];
    beforeAll(async () => {
      const res = await api(server).get('/api/v2/auth/scopes');
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(['external']);
      external = res.body.external;
    });

    it('needs no session and lists canonical names, sorted, without duplicates', () => {
      expect(external).toEqual([...external].sort());
      expect(new Set(external).size).toBe(external.length);
      expect(external).not.toContain('all');
      expect(external).not.toContain('application_connect');
    });

    it('lists coder:all, coder:application_connect and every composite', () => {
      expect(external).toEqual(expect.arrayContaining(['coder:all', 'coder:application_connect', ...COMPOSITE_SCOPE_NAMES]));
    });

    it('lists the curated low-level scopes and leaves internal ones out', () => {
      expect(external).toEqual(expect.arrayContaining(['workspace:read', 'workspace:*', 'template:use', 'api_key:*', 'user:read_personal', 'organization:read']));
      for (const internal of ['license:read', 'license:*', 'group:read', 'debug_info:read', 'inbox_notification:*', 'audit_log:read']) {
        expect(external).not.toContain(internal);
      }
    });

    it('every listed scope can be put on a token and is stored under that name', async () => {
      for (const scope of external) {
        const tokenName = name('cat');
        const res = await api(server, owner.token).post('/api/v2/users/me/keys/tokens').send({ token_name: tokenName, scopes: [scope] });
        expect([scope, res.status]).toEqual([scope, 201]);
        const stored = await api(server, owner.token).get(`/api/v2/users/me/keys/tokens/${tokenName}`);
        expect(stored.body.scopes).toEqual([scope]);
      }
    });
  });

  describe('scopes on POST /users/{user}/keys/tokens', () => {
    it('refuses an internal-only scope with 400, a validation on scopes, and creates nothing', async () => {
      const tokenName = name('internal');
      const res = await api(server, owner.token).post('/api/v2/users/me/keys/tokens').send({ token_name: tokenName, scopes: ['workspace:read', 'license:read'] });
      expectErrorBody(res, 400, 'Failed to create API key.');
      expect(res.body.detail).toBe('invalid or unsupported API key scope: "license:read"');
      expect(res.body.validations).toEqual([
        { field: 'scopes', detail: '"license:read" is not a requestable scope; GET /api/v2/auth/scopes lists those that are.' },
      ]);
      expect((await api(server, owner.token).get(`/api/v2/users/me/keys/tokens/${tokenName}`)).status).toBe(404);
    });

    it('refuses an unknown legacy scope with a validation on scope', async () => {
      const res = await api(server, owner.token).post('/api/v2/users/me/keys/tokens').send({ token_name: name('legacy-bad'), scope: 'everything' });
      expectErrorBody(res, 400, 'Failed to create API key.');
      expect(res.body.validations).toEqual([{ field: 'scope', detail: '"everything" is not a valid scope.' }]);
    });

    it('uses scopes and ignores the legacy scope when both are given (Coder)', async () => {
      const tokenName = name('both');
      await createToken(owner.token, { token_name: tokenName, scope: 'all', scopes: ['workspace:read', 'workspace:read', 'application_connect'] });
      const res = await api(server, owner.token).get(`/api/v2/users/me/keys/tokens/${tokenName}`);
      expect(res.body.scopes).toEqual(['coder:application_connect', 'workspace:read']);
      expect(res.body.scope).toBe('application_connect');
    });

    it('refuses more than 128 allow-list entries with a validation on allow_list', async () => {
      const list = Array.from({ length: 129 }, (_, i) => ({ type: 'workspace', id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` }));
      const res = await api(server, owner.token).post('/api/v2/users/me/keys/tokens').send({ token_name: name('long-list'), allow_list: list });
      expectErrorBody(res, 400);
      expect(res.body.validations.map((v: { field: string }) => v.field)).toEqual(['allow_list']);
    });

    it('accepts exactly 128 entries and stores them sorted', async () => {
      const ids = Array.from({ length: 128 }, (_, i) => `00000000-0000-4000-8000-${String(127 - i).padStart(12, '0')}`);
      const tokenName = name('full-list');
      await createToken(owner.token, { token_name: tokenName, allow_list: ids.map((id) => ({ type: 'workspace', id })) });
      const res = await api(server, owner.token).get(`/api/v2/users/me/keys/tokens/${tokenName}`);
      expect(res.body.allow_list).toEqual([...ids].sort().map((id) => ({ type: 'workspace', id })));
    });
  });

  describe('PUT /users/{user}/keys/{keyid}/expire', () => {
    it('answers 204, keeps the key for the record with expires_at <= now, and the key is refused at once', async () => {
      const tokenName = name('expire-me');
      const token = await createToken(owner.token, { token_name: tokenName });
      expect((await api(server, token).get('/api/v2/users/me')).status).toBe(200);

      const before = Date.now();
      const res = await api(server, owner.token).put(`/api/v2/users/me/keys/${keyId(token)}/expire`);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');

      const refused = await api(server, token).get('/api/v2/users/me');
      expectErrorBody(refused, 401);
      expect(refused.body.detail).toMatch(/^API key expired at "/);
      const kept = await api(server, owner.token).get(`/api/v2/users/me/keys/${keyId(token)}`);
      expect(kept.status).toBe(200);
      expect(Date.parse(kept.body.expires_at)).toBeLessThanOrEqual(Date.now());
      expect(Date.parse(kept.body.expires_at)).toBeGreaterThanOrEqual(before - 1000);
      const listed = await api(server, owner.token).get('/api/v2/users/me/keys/tokens?include_expired=true');
      expect(listed.body.map((k: { id: string }) => k.id)).toContain(keyId(token));
      const active = await api(server, owner.token).get('/api/v2/users/me/keys/tokens');
      expect(active.body.map((k: { id: string }) => k.id)).not.toContain(keyId(token));
    });

    it('expiring again keeps the first expiry', async () => {
      const token = await createToken(owner.token, { token_name: name('twice') });
      expect((await api(server, owner.token).put(`/api/v2/users/me/keys/${keyId(token)}/expire`)).status).toBe(204);
      const first = (await api(server, owner.token).get(`/api/v2/users/me/keys/${keyId(token)}`)).body.expires_at;
      await new Promise((r) => setTimeout(r, 20));
      expect((await api(server, owner.token).put(`/api/v2/users/me/keys/${keyId(token)}/expire`)).status).toBe(204);
      expect((await api(server, owner.token).get(`/api/v2/users/me/keys/${keyId(token)}`)).body.expires_at).toBe(first);
    });

    it('an owner can expire a member\'s key; a member cannot expire the owner\'s (404) and it keeps working', async () => {
      const memberToken = await createToken(member.token, { token_name: name('member-key') });
      expect((await api(server, owner.token).put(`/api/v2/users/${member.id}/keys/${keyId(memberToken)}/expire`)).status).toBe(204);
      expect((await api(server, memberToken).get('/api/v2/users/me')).status).toBe(401);

      const ownerToken = await createToken(owner.token, { token_name: name('owner-key') });
      const denied = await api(server, member.token).put(`/api/v2/users/${owner.id}/keys/${keyId(ownerToken)}/expire`);
      expectErrorBody(denied, 404);
      const underOwnPath = await api(server, member.token).put(`/api/v2/users/me/keys/${keyId(ownerToken)}/expire`);
      expectErrorBody(underOwnPath, 404);
      expect((await api(server, ownerToken).get('/api/v2/users/me')).status).toBe(200);
    });

    it('a token without api_key:update may read its key but not expire it (403)', async () => {
      const reader = await createToken(owner.token, { token_name: name('reader'), scopes: ['api_key:read'] });
      const target = await createToken(owner.token, { token_name: name('target') });
      expect((await api(server, reader).get(`/api/v2/users/me/keys/${keyId(target)}`)).status).toBe(200);
      expectErrorBody(await api(server, reader).put(`/api/v2/users/me/keys/${keyId(target)}/expire`), 403);
      expect((await api(server, target).get('/api/v2/users/me')).status).toBe(200);
    });

    it('an unknown key id is 404', async () => {
      expectErrorBody(await api(server, owner.token).put('/api/v2/users/me/keys/ZZZZZZZZZZ/expire'), 404);
    });

    it('a key expired through replica A is refused by replica B, which had it cached', async () => {
      const token = await createToken(owner.token, { token_name: name('replicated') });
      expect((await api(replicaB, token).get('/api/v2/users/me')).status).toBe(200);
      expect((await api(server, owner.token).put(`/api/v2/users/me/keys/${keyId(token)}/expire`)).status).toBe(204);
      expect(await pollStatus(() => api(replicaB, token).get('/api/v2/users/me'), 401)).toBe(401);
    });
  });

  describe('deleting a user', () => {
    it('removes every key of the user and both replicas refuse them at once', async () => {
      const doomed = await createUser(server, owner);
      const token = await createToken(doomed.token, { token_name: name('doomed') });
      expect((await api(server, token).get('/api/v2/users/me')).status).toBe(200);
      expect((await api(replicaB, token).get('/api/v2/users/me')).status).toBe(200);
      expect((await api(replicaB, doomed.token).get('/api/v2/users/me')).status).toBe(200);

      expect((await api(server, owner.token).delete(`/api/v2/users/${doomed.id}`)).status).toBe(200);
      expect((await api(server, token).get('/api/v2/users/me')).status).toBe(401);
      expect(await server.sql('SELECT id FROM api_keys WHERE user_id = $1', [doomed.id])).toEqual([]);
      expect(await pollStatus(() => api(replicaB, token).get('/api/v2/users/me'), 401)).toBe(401);
      expect(await pollStatus(() => api(replicaB, doomed.token).get('/api/v2/users/me'), 401)).toBe(401);
    });
  });
});
