// API-key scopes and allow lists, enforced end to end (reference §4, Coder's coderd/rbac/scopes.go).
// A token may do exactly what its owner's roles AND its scopes AND its allow list permit. Tokens
// here are held by the owner unless stated, so roles never deny and only the scope/allow list decide.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { expectErrorBody } from '../../support/error-body.js';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../../support/fixtures.js';
import { COMPOSITE_SCOPE_NAMES } from '../../support/scopes.js';
import { testPublicKeysFile, uploadLicense, validLicense } from '../../support/licenses.js';
import { sqlOrganization } from '../../support/rbac-matrix.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

const NOT_FOUND = { message: 'Resource not found or you do not have access to this resource' };
const FORBIDDEN = { message: 'Forbidden.' };
const SIGNED_OUT = 'You are signed out or your session has expired. Please sign in again to continue.';
const CANNOT_CREATE_KEYS = { message: 'Forbidden.', detail: 'You are not allowed to create keys for this user.' };
const scopesNotCovered = (scope: string) => ({
  message: 'Forbidden.',
  detail: `The requesting token's scopes do not cover "${scope}"; a token cannot create a broader one.`,
});
const ALLOW_LIST_BROADER = {
  message: 'Forbidden.',
  detail: "The requested allow list reaches objects outside the requesting token's allow list; a token cannot create a broader one.",
};

const MANAGE_SELF = 'coder:apikeys.manage_self';
/** The composites that grant nothing on api_key, user, organization, group or license. */
const NON_KEY_COMPOSITES = COMPOSITE_SCOPE_NAMES.filter((s) => s !== MANAGE_SELF);
const COMPOSITES = COMPOSITE_SCOPE_NAMES;

interface AllowListTarget {
  type: string;
  id: string;
}

interface Minted {
  key: string;
  id: string;
  name: string;
}

const keyId = (token: string) => token.split('-')[0];
const sorted = (xs: string[]) => [...xs].sort();
const idsOf = (rows: Array<{ id: string }>) => rows.map((r) => r.id);

/** Status and body together, so a failure shows what the server actually said. */
function expectResponse(res: Response, status: number, body: unknown): void {
  expect({ status: res.status, body: res.body }).toEqual({ status, body });
}

function expectError(res: Response, status: number, body: { message: string; detail?: string; validations?: Array<{ field: string; detail: string }> }): void {
  expectErrorBody(res, status, body.message);
  expect(res.body).toEqual(body);
}

describe('API-key scope and allow-list enforcement', () => {
  let server: TestServer;
  let owner: FirstUser;
  let alice: TestUser;
  let bob: TestUser;
  /** A member of orgB only. */
  let carol: TestUser;
  let orgB: string;
  let groupId: string;
  /** Reference data as the owner's unscoped session sees it. */
  let allUserIds: string[];
  let allOrgIds: string[];
  let defaultOrgMemberIds: string[];
  let allGroupIds: string[];

  let seq = 0;
  const tokenName = (prefix: string) => `${prefix}-${++seq}`;
  const as = (token: string) => api(server, token);

  /** POST /users/{user}/keys/tokens as `by`; must answer 201. */
  async function mint(by: string, body: { scopes?: string[]; scope?: string; allow_list?: AllowListTarget[] }, user = 'me'): Promise<Minted> {
    const name = tokenName('t');
    const res = await as(by).post(`/api/v2/users/${user}/keys/tokens`).send({ token_name: name, ...body });
    if (res.status !== 201) throw new Error(`mint ${JSON.stringify(body)} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return { key: res.body.key, id: keyId(res.body.key), name };
  }

  /** The owner's stored token by name, as the owner's session sees it. */
  const ownerToken = (name: string) => as(owner.token).get(`/api/v2/users/me/keys/tokens/${name}`);
  /** The owner's token ids, newest first, as the owner's session lists them. */
  async function ownerTokenIds(): Promise<string[]> {
    const res = await as(owner.token).get('/api/v2/users/me/keys/tokens');
    expect(res.status).toBe(200);
    return idsOf(res.body);
  }

  beforeAll(async () => {
    server = await startTestServer({ env: { CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile() } });
    owner = await createFirstUser(server);
    const lic = await uploadLicense(server, owner.token, await validLicense({ template_rbac: 1 }));
    if (lic.status !== 201) throw new Error(`license upload failed: ${lic.status} ${JSON.stringify(lic.body)}`);
    alice = await createUser(server, owner, { username: 'alice' });
    bob = await createUser(server, owner, { username: 'bob' });
    orgB = await sqlOrganization(server, 'org-b');
    carol = await createUser(server, owner, { username: 'carol', organizationIds: [orgB] });
    const group = await as(owner.token).post(`/api/v2/organizations/${owner.orgId}/groups`).send({ name: 'scoped-group' });
    if (group.status !== 201) throw new Error(`create group failed: ${group.status} ${JSON.stringify(group.body)}`);
    groupId = group.body.id;

    const users = await as(owner.token).get('/api/v2/users');
    allUserIds = idsOf(users.body.users);
    const orgs = await as(owner.token).get('/api/v2/organizations');
    allOrgIds = idsOf(orgs.body);
    const members = await as(owner.token).get(`/api/v2/organizations/${owner.orgId}/members`);
    defaultOrgMemberIds = members.body.map((m: { user_id: string }) => m.user_id);
    const groups = await as(owner.token).get('/api/v2/groups');
    allGroupIds = idsOf(groups.body);
  });
  afterAll(() => server?.close());

  it('arranges the world the tables below rely on (owner session, unscoped)', () => {
    expect(sorted(allUserIds)).toEqual(sorted([owner.id, alice.id, bob.id, carol.id]));
    expect(sorted(allOrgIds)).toEqual(sorted([owner.orgId, orgB]));
    expect(sorted(defaultOrgMemberIds)).toEqual(sorted([owner.id, alice.id, bob.id]));
    // Each organization's Everyone group (id = organization id) and the created group.
    expect(sorted(allGroupIds)).toEqual(sorted([owner.orgId, orgB, groupId]));
  });

  describe('the requestable catalog', () => {
    it('GET /auth/scopes lists the seven composites and coder:all, and no internal scope', async () => {
      const res = await api(server).get('/api/v2/auth/scopes');
      expect(res.status).toBe(200);
      expect(res.body.external).toEqual(expect.arrayContaining([...COMPOSITES, 'coder:all', 'user:read', 'organization:read', 'api_key:*']));
      expect(res.body.external).not.toContain('license:read');
      expect(res.body.external).not.toContain('group:read');
    });

    it.each(['license:read', 'group:read'])('an internal scope (%s) is refused with 400 and no token is created', async (scope) => {
      const name = tokenName('internal');
      const res = await as(owner.token).post('/api/v2/users/me/keys/tokens').send({ token_name: name, scopes: [scope] });
      expectError(res, 400, {
        message: 'Failed to create API key.',
        detail: `invalid or unsupported API key scope: "${scope}"`,
        validations: [{ field: 'scopes', detail: `"${scope}" is not a requestable scope; GET /api/v2/auth/scopes lists those that are.` }],
      });
      expectError(await ownerToken(name), 404, NOT_FOUND);
    });
  });

  // 1. Every composite alone: nothing on users, organizations, groups or licenses.
  describe.each(COMPOSITES)('composite %s: user, organization, group and license routes', (scope) => {
    let token: string;
    beforeAll(async () => {
      token = (await mint(owner.token, { scopes: [scope] })).key;
    });

    it('GET /users/me → 404 (no user:read)', async () => {
      expectError(await as(token).get('/api/v2/users/me'), 404, NOT_FOUND);
    });

    it('GET /users → 200 with no rows and count 0', async () => {
      expectResponse(await as(token).get('/api/v2/users'), 200, { users: [], count: 0 });
    });

    it('GET /users/{other user} → 404', async () => {
      expectError(await as(token).get(`/api/v2/users/${alice.id}`), 404, NOT_FOUND);
    });

    it('GET /organizations → 200 []', async () => {
      expectResponse(await as(token).get('/api/v2/organizations'), 200, []);
    });

    it('GET /organizations/{org} → 404', async () => {
      expectError(await as(token).get(`/api/v2/organizations/${owner.orgId}`), 404, NOT_FOUND);
    });

    it('GET /organizations/{org}/members → 404 (the organization is not readable)', async () => {
      expectError(await as(token).get(`/api/v2/organizations/${owner.orgId}/members`), 404, NOT_FOUND);
    });

    it('GET /groups → 200 [] (filtered in SQL: no group:read)', async () => {
      expectResponse(await as(token).get('/api/v2/groups'), 200, []);
    });

    it('GET /organizations/{org}/groups → 404 (the organization is not readable)', async () => {
      expectError(await as(token).get(`/api/v2/organizations/${owner.orgId}/groups`), 404, NOT_FOUND);
    });

    it('GET /groups/{id} → 404, for a created group and for Everyone', async () => {
      expectError(await as(token).get(`/api/v2/groups/${groupId}`), 404, NOT_FOUND);
      expectError(await as(token).get(`/api/v2/groups/${owner.orgId}`), 404, NOT_FOUND);
    });

    it('GET /licenses → 403 (@RequirePermission license:read)', async () => {
      expectError(await as(token).get('/api/v2/licenses'), 403, FORBIDDEN);
    });
  });

  describe.each(NON_KEY_COMPOSITES)('composite %s: own API keys (no api_key rights)', (scope) => {
    let token: Minted;
    beforeAll(async () => {
      token = await mint(owner.token, { scopes: [scope] });
    });

    it('GET /users/me/keys/tokens → 200 [] (filtered in SQL), although the owner has tokens', async () => {
      expect((await ownerTokenIds()).length).toBeGreaterThan(0);
      expectResponse(await as(token.key).get('/api/v2/users/me/keys/tokens'), 200, []);
    });

    it('POST /users/me/keys/tokens → 403 even for a token no broader than itself, and nothing is created', async () => {
      const name = tokenName('denied');
      const res = await as(token.key).post('/api/v2/users/me/keys/tokens').send({ token_name: name, scopes: [scope] });
      expectError(res, 403, CANNOT_CREATE_KEYS);
      expectError(await ownerToken(name), 404, NOT_FOUND);
    });

    it('DELETE /users/me/keys/{own other token} → 404 (the key is not readable) and the key survives', async () => {
      const victim = await mint(owner.token, { scopes: ['user:read'] });
      expectError(await as(token.key).delete(`/api/v2/users/me/keys/${victim.id}`), 404, NOT_FOUND);
      const still = await as(owner.token).get(`/api/v2/users/me/keys/${victim.id}`);
      expect(still.status).toBe(200);
      expect(still.body.id).toBe(victim.id);
    });
  });

  describe(`composite ${MANAGE_SELF}: own API keys`, () => {
    let token: Minted;
    beforeAll(async () => {
      token = await mint(owner.token, { scopes: [MANAGE_SELF] });
    });

    it("GET /users/me/keys/tokens lists exactly the owner's tokens", async () => {
      const res = await as(token.key).get('/api/v2/users/me/keys/tokens');
      expect(res.status).toBe(200);
      expect(idsOf(res.body)).toEqual(await ownerTokenIds());
      expect(idsOf(res.body)).toContain(token.id);
      for (const k of res.body) expect(k).toMatchObject({ user_id: owner.id, username: owner.username, login_type: 'token' });
    });

    it('POST /users/me/keys/tokens → 201 for a token asking no more than itself', async () => {
      const name = tokenName('self');
      const res = await as(token.key).post('/api/v2/users/me/keys/tokens').send({ token_name: name, scopes: [MANAGE_SELF] });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body)).toEqual(['key']);
      const stored = await ownerToken(name);
      expect(stored.status).toBe(200);
      expect(stored.body).toMatchObject({
        id: keyId(res.body.key),
        user_id: owner.id,
        scopes: [MANAGE_SELF],
        allow_list: [{ type: '*', id: '*' }],
      });
    });

    it('DELETE /users/me/keys/{own other token} → 204 and the key is gone', async () => {
      const victim = await mint(owner.token, { scopes: ['user:read'] });
      const res = await as(token.key).delete(`/api/v2/users/me/keys/${victim.id}`);
      expect(res.status).toBe(204);
      expectError(await as(owner.token).get(`/api/v2/users/me/keys/${victim.id}`), 404, NOT_FOUND);
      expectError(await as(victim.key).get('/api/v2/users/me'), 401, { message: SIGNED_OUT, detail: 'API key is invalid.' });
    });
  });

  describe('coder:all: every route of the table succeeds', () => {
    let token: Minted;
    beforeAll(async () => {
      token = await mint(owner.token, { scopes: ['coder:all'] });
    });

    it('GET /users/me → 200, the owner', async () => {
      const res = await as(token.key).get('/api/v2/users/me');
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(owner.id);
    });

    it('GET /users → every user, count equal', async () => {
      const res = await as(token.key).get('/api/v2/users');
      expect(res.status).toBe(200);
      expect(idsOf(res.body.users)).toEqual(allUserIds);
      expect(res.body.count).toBe(allUserIds.length);
    });

    it('GET /users/{other user} → 200', async () => {
      const res = await as(token.key).get(`/api/v2/users/${alice.id}`);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(alice.id);
    });

    it('GET /organizations → both organizations', async () => {
      const res = await as(token.key).get('/api/v2/organizations');
      expect(res.status).toBe(200);
      expect(idsOf(res.body)).toEqual(allOrgIds);
    });

    it('GET /organizations/{org} → 200', async () => {
      const res = await as(token.key).get(`/api/v2/organizations/${owner.orgId}`);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(owner.orgId);
    });

    it('GET /organizations/{org}/members → every member', async () => {
      const res = await as(token.key).get(`/api/v2/organizations/${owner.orgId}/members`);
      expect(res.status).toBe(200);
      expect(res.body.map((m: { user_id: string }) => m.user_id)).toEqual(defaultOrgMemberIds);
    });

    it("GET /users/me/keys/tokens → the owner's tokens", async () => {
      const res = await as(token.key).get('/api/v2/users/me/keys/tokens');
      expect(res.status).toBe(200);
      expect(idsOf(res.body)).toEqual(await ownerTokenIds());
      expect(idsOf(res.body)).toContain(token.id);
    });

    it('POST /users/me/keys/tokens → 201', async () => {
      const name = tokenName('all');
      const res = await as(token.key).post('/api/v2/users/me/keys/tokens').send({ token_name: name, scopes: ['coder:all'] });
      expect(res.status).toBe(201);
      const stored = await ownerToken(name);
      expect(stored.status).toBe(200);
      expect(stored.body).toMatchObject({ id: keyId(res.body.key), scopes: ['coder:all'], allow_list: [{ type: '*', id: '*' }] });
    });

    it('DELETE /users/me/keys/{own other token} → 204', async () => {
      const victim = await mint(owner.token, { scopes: ['user:read'] });
      expect((await as(token.key).delete(`/api/v2/users/me/keys/${victim.id}`)).status).toBe(204);
      expectError(await as(owner.token).get(`/api/v2/users/me/keys/${victim.id}`), 404, NOT_FOUND);
    });

    it('GET /groups → every group; GET /organizations/{org}/groups → its groups; GET /groups/{id} → 200', async () => {
      const all = await as(token.key).get('/api/v2/groups');
      expect(all.status).toBe(200);
      expect(sorted(idsOf(all.body))).toEqual(sorted(allGroupIds));
      const inOrg = await as(token.key).get(`/api/v2/organizations/${owner.orgId}/groups`);
      expect(inOrg.status).toBe(200);
      expect(sorted(idsOf(inOrg.body))).toEqual(sorted([owner.orgId, groupId]));
      const one = await as(token.key).get(`/api/v2/groups/${groupId}`);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ id: groupId, name: 'scoped-group', organization_id: owner.orgId });
    });

    it('GET /licenses → 200 with the uploaded license', async () => {
      const res = await as(token.key).get('/api/v2/licenses');
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(1);
      expect(res.body[0].claims.features).toEqual({ template_rbac: 1 });
    });
  });

  // 2. Composites combined with a low-level scope.
  describe('composite scopes combined', () => {
    it('workspaces.create + organization:read: the organization and all its members (organization_member:read from the composite)', async () => {
      const { key } = await mint(owner.token, { scopes: ['coder:workspaces.create', 'organization:read'] });
      const org = await as(key).get(`/api/v2/organizations/${owner.orgId}`);
      expect(org.status).toBe(200);
      expect(org.body.id).toBe(owner.orgId);
      const members = await as(key).get(`/api/v2/organizations/${owner.orgId}/members`);
      expect(members.status).toBe(200);
      expect(members.body.map((m: { user_id: string }) => m.user_id)).toEqual(defaultOrgMemberIds);
      const inB = await as(key).get(`/api/v2/organizations/${orgB}/members`);
      expect(inB.status).toBe(200);
      expect(inB.body.map((m: { user_id: string }) => m.user_id)).toEqual([carol.id]);
      // Users themselves stay unreadable.
      expectError(await as(key).get('/api/v2/users/me'), 404, NOT_FOUND);
    });

    it('templates.author + organization:read: the organization, but no members', async () => {
      const { key } = await mint(owner.token, { scopes: ['coder:templates.author', 'organization:read'] });
      const org = await as(key).get(`/api/v2/organizations/${owner.orgId}`);
      expect(org.status).toBe(200);
      expect(org.body.id).toBe(owner.orgId);
      expectResponse(await as(key).get(`/api/v2/organizations/${owner.orgId}/members`), 200, []);
    });
  });

  /** /users/me is the owner and /users lists every user, with the full count. */
  async function expectReadsEveryUser(key: string): Promise<void> {
    const me = await as(key).get('/api/v2/users/me');
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(owner.id);
    const users = await as(key).get('/api/v2/users');
    expect(users.status).toBe(200);
    expect(idsOf(users.body.users)).toEqual(allUserIds);
    expect(users.body.count).toBe(allUserIds.length);
  }

  // 3. Low-level scopes.
  describe('low-level scopes', () => {
    it('user:read: /users/me 200 and /users lists everyone', async () => {
      const { key } = await mint(owner.token, { scopes: ['user:read'] });
      await expectReadsEveryUser(key);
      expectResponse(await as(key).get('/api/v2/organizations'), 200, []);
    });

    it('organization:read: organizations listed, /users/me 404', async () => {
      const { key } = await mint(owner.token, { scopes: ['organization:read'] });
      const orgs = await as(key).get('/api/v2/organizations');
      expect(orgs.status).toBe(200);
      expect(idsOf(orgs.body)).toEqual(allOrgIds);
      expectError(await as(key).get('/api/v2/users/me'), 404, NOT_FOUND);
      expectResponse(await as(key).get('/api/v2/users'), 200, { users: [], count: 0 });
    });
  });

  // 4. A typed allow list narrows even coder:all.
  describe('typed allow list: coder:all with [user:*]', () => {
    let key: string;
    beforeAll(async () => {
      key = (await mint(owner.token, { scopes: ['coder:all'], allow_list: [{ type: 'user', id: '*' }] })).key;
    });

    it('reaches users: /users/me 200, /users everyone, /users/{other} 200', async () => {
      await expectReadsEveryUser(key);
      const other = await as(key).get(`/api/v2/users/${alice.id}`);
      expect(other.status).toBe(200);
      expect(other.body.id).toBe(alice.id);
    });

    it('does not reach organizations: GET /organizations [] and GET /organizations/{org} 404', async () => {
      expectResponse(await as(key).get('/api/v2/organizations'), 200, []);
      expectError(await as(key).get(`/api/v2/organizations/${owner.orgId}`), 404, NOT_FOUND);
    });

    it('GET /licenses → 403: the guard checks license:read on the type (no id), which only a wildcard entry covers', async () => {
      expectError(await as(key).get('/api/v2/licenses'), 403, FORBIDDEN);
    });
  });

  // 5. Id allow lists.
  describe('id allow lists', () => {
    it('user:read + [user:<alice>]: exactly alice', async () => {
      const { key } = await mint(owner.token, { scopes: ['user:read'], allow_list: [{ type: 'user', id: alice.id }] });
      const other = await as(key).get(`/api/v2/users/${alice.id}`);
      expect(other.status).toBe(200);
      expect(other.body.id).toBe(alice.id);
      expectError(await as(key).get('/api/v2/users/me'), 404, NOT_FOUND);
      expectError(await as(key).get(`/api/v2/users/${bob.id}`), 404, NOT_FOUND);
      const users = await as(key).get('/api/v2/users');
      expect(users.status).toBe(200);
      expect(idsOf(users.body.users)).toEqual([alice.id]);
      expect(users.body.count).toBe(1);
    });

    it('user:read + [user:<alice>, user:<carol>]: exactly those two', async () => {
      const { key } = await mint(owner.token, {
        scopes: ['user:read'],
        allow_list: [{ type: 'user', id: alice.id }, { type: 'user', id: carol.id }],
      });
      const users = await as(key).get('/api/v2/users');
      expect(users.status).toBe(200);
      expect(idsOf(users.body.users)).toEqual([alice.id, carol.id]);
      expect(users.body.count).toBe(2);
      expectError(await as(key).get('/api/v2/users/me'), 404, NOT_FOUND);
    });

    it('organization:read + [organization:<orgB>]: only orgB', async () => {
      const { key } = await mint(owner.token, { scopes: ['organization:read'], allow_list: [{ type: 'organization', id: orgB }] });
      const orgs = await as(key).get('/api/v2/organizations');
      expect(orgs.status).toBe(200);
      expect(idsOf(orgs.body)).toEqual([orgB]);
      expectError(await as(key).get(`/api/v2/organizations/${owner.orgId}`), 404, NOT_FOUND);
      const b = await as(key).get(`/api/v2/organizations/${orgB}`);
      expect(b.status).toBe(200);
      expect(b.body.id).toBe(orgB);
    });
  });

  // 6. Roles AND scope: a scope never widens what the owner's roles allow.
  describe("a member's tokens", () => {
    it("user:read: GET /users lists exactly what the member's own session lists (itself)", async () => {
      const { key } = await mint(alice.token, { scopes: ['user:read'] });
      const session = await as(alice.token).get('/api/v2/users');
      expect(session.status).toBe(200);
      expect(idsOf(session.body.users)).toEqual([alice.id]);
      expect(session.body.count).toBe(1);
      const scoped = await as(key).get('/api/v2/users');
      expect(scoped.status).toBe(200);
      // Same rows (last_seen_at moves with every request, so ids and count are compared).
      expect({ ids: idsOf(scoped.body.users), count: scoped.body.count }).toEqual({ ids: idsOf(session.body.users), count: session.body.count });
      expectError(await as(key).get(`/api/v2/users/${bob.id}`), 404, NOT_FOUND);
    });

    it('coder:all: GET /licenses → 403 (the member role denies)', async () => {
      const { key } = await mint(alice.token, { scopes: ['coder:all'] });
      expectError(await as(key).get('/api/v2/licenses'), 403, FORBIDDEN);
    });
  });

  // 7. A token cannot mint a broader one.
  describe('no broader minting', () => {
    let manageSelf: string;
    beforeAll(async () => {
      manageSelf = (await mint(owner.token, { scopes: [MANAGE_SELF] })).key;
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['coder:all', { scopes: ['coder:all'] }, 'coder:all'],
      ['no scopes (defaults to coder:all)', {}, 'coder:all'],
      ['user:read', { scopes: ['user:read'] }, 'user:read'],
    ])('manage_self creating %s → 403 and nothing is created', async (_what, body, uncovered) => {
      const name = tokenName('broader');
      const res = await as(manageSelf).post('/api/v2/users/me/keys/tokens').send({ token_name: name, ...body });
      expectError(res, 403, scopesNotCovered(uncovered));
      expectError(await ownerToken(name), 404, NOT_FOUND);
    });

    it('manage_self creating api_key:* → 201 (api_key CRUD is all manage_self grants)', async () => {
      const name = tokenName('keys');
      const res = await as(manageSelf).post('/api/v2/users/me/keys/tokens').send({ token_name: name, scopes: ['api_key:*'] });
      expect(res.status).toBe(201);
      const stored = await ownerToken(name);
      expect(stored.status).toBe(200);
      expect(stored.body).toMatchObject({ id: keyId(res.body.key), scopes: ['api_key:*'], allow_list: [{ type: '*', id: '*' }] });
    });


    it('manage_self calling POST /users/me/keys (a session key has every scope) → 403 and no key is created', async () => {
      const count = async () => (await server.sql<{ n: number }>('SELECT count(*)::int AS n FROM api_keys WHERE user_id = $1', [owner.id]))[0].n;
      const before = await count();
      const res = await as(manageSelf).post('/api/v2/users/me/keys');
      expectError(res, 403, scopesNotCovered('coder:all'));
      expect(await count()).toBe(before);
    });

    describe('coder:all narrowed to [api_key:*, user:<owner>]', () => {
      let narrowed: string;
      beforeAll(async () => {
        narrowed = (
          await mint(owner.token, {
            scopes: ['coder:all'],
            allow_list: [
              { type: 'api_key', id: '*' },
              { type: 'user', id: owner.id },
            ],
          })
        ).key;
      });

      it('allow_list omitted (defaults to *:*) → 403 and nothing is created', async () => {
        const name = tokenName('wide');
        const res = await as(narrowed).post('/api/v2/users/me/keys/tokens').send({ token_name: name });
        expectError(res, 403, ALLOW_LIST_BROADER);
        expectError(await ownerToken(name), 404, NOT_FOUND);
      });

      it('allow_list [user:<owner>] → 201, stored as asked', async () => {
        const name = tokenName('narrow');
        const res = await as(narrowed)
          .post('/api/v2/users/me/keys/tokens')
          .send({ token_name: name, allow_list: [{ type: 'user', id: owner.id }] });
        expect(res.status).toBe(201);
        const stored = await ownerToken(name);
        expect(stored.status).toBe(200);
        expect(stored.body).toMatchObject({ id: keyId(res.body.key), scopes: ['coder:all'], allow_list: [{ type: 'user', id: owner.id }] });
      });

      it('allow_list [user:*] → 403 and nothing is created', async () => {
        const name = tokenName('user-wild');
        const res = await as(narrowed)
          .post('/api/v2/users/me/keys/tokens')
          .send({ token_name: name, allow_list: [{ type: 'user', id: '*' }] });
        expectError(res, 403, ALLOW_LIST_BROADER);
        expectError(await ownerToken(name), 404, NOT_FOUND);
      });
    });

    describe('workspaces.access (no api_key:create) creates nothing', () => {
      let access: string;
      beforeAll(async () => {
        access = (await mint(owner.token, { scopes: ['coder:workspaces.access'] })).key;
      });

      it.each([
        ['itself', ['coder:workspaces.access']],
        ['a narrower scope', ['workspace:read']],
        ['coder:all', ['coder:all']],
      ])('a token with %s → 403', async (_label, scopes) => {
        const name = tokenName('access');
        const res = await as(access).post('/api/v2/users/me/keys/tokens').send({ token_name: name, scopes });
        expectError(res, 403, CANNOT_CREATE_KEYS);
        expectError(await ownerToken(name), 404, NOT_FOUND);
      });

      it('a session key (POST /users/me/keys) → 403', async () => {
        expectError(await as(access).post('/api/v2/users/me/keys'), 403, CANNOT_CREATE_KEYS);
      });
    });
  });

  // 8. The stored form of a scoped token.
  describe("the owner's view of a scoped token", () => {
    it('GET /users/me/keys/tokens/{name} and the token list give scopes and allow_list canonical, deduplicated and sorted', async () => {
      const name = tokenName('stored');
      const res = await as(owner.token)
        .post('/api/v2/users/me/keys/tokens')
        .send({
          token_name: name,
          scopes: ['user:read', 'all', 'coder:workspaces.create', 'user:read', 'organization:read'],
          allow_list: [
            { type: 'user', id: bob.id.toUpperCase() },
            { type: 'organization', id: orgB },
            { type: 'USER', id: alice.id },
            { type: 'organization', id: '*' },
          ],
        });
      expect(res.status).toBe(201);
      const expected = {
        id: keyId(res.body.key),
        user_id: owner.id,
        token_name: name,
        login_type: 'token',
        scope: 'all',
        scopes: ['coder:all', 'coder:workspaces.create', 'organization:read', 'user:read'],
        // organization:* shadows organization:<orgB>; ids lower-cased; sorted as "<type>:<id>".
        allow_list: [{ type: 'organization', id: '*' }, ...sorted([alice.id, bob.id]).map((id) => ({ type: 'user', id }))],
      };
      const one = await ownerToken(name);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject(expected);
      const list = await as(owner.token).get('/api/v2/users/me/keys/tokens');
      expect(list.status).toBe(200);
      const listed = list.body.filter((k: { id: string }) => k.id === expected.id);
      expect(listed).toEqual([{ ...one.body, username: owner.username }]);
    });
  });
});
