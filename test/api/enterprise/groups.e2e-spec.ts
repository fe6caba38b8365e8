// Groups (enterprise, feature template_rbac): the license gate, behaviour as Coder's
// enterprise/coderd/groups.go, and an RBAC matrix.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectErrorBody } from '../../support/error-body.js';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../../support/fixtures.js';
import { testPublicKeysFile, uploadLicense, validLicense } from '../../support/licenses.js';
import { ALL_ACTORS, createWorld, defineMatrix, runMatrix, sqlOrganization, type RouteCase, type World as MatrixWorld } from '../../support/rbac-matrix.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

const GROUP_KEYS = [
  'avatar_url', 'display_name', 'id', 'members', 'name', 'organization_display_name', 'organization_id', 'organization_name',
  'quota_allowance', 'source', 'total_member_count',
];
const REDUCED_USER_KEYS = ['id', 'username', 'name', 'email', 'avatar_url', 'created_at', 'updated_at', 'last_seen_at', 'status', 'login_type'];
const PREMIUM = 'Template RBAC is a Premium feature. Contact sales!';

interface GroupBody {
  id: string;
  name: string;
  display_name: string;
  organization_id: string;
  members: Array<{ id: string; username: string }>;
  total_member_count: number;
  avatar_url: string;
  quota_allowance: number;
  source: string;
  organization_name: string;
  organization_display_name: string;
}

async function startServer(): Promise<TestServer> {
  return startTestServer({ env: { CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile() } });
}

async function license(server: TestServer, owner: FirstUser, features: Record<string, number>): Promise<void> {
  const res = await uploadLicense(server, owner.token, await validLicense(features));
  if (res.status !== 201) throw new Error(`license upload failed: ${res.status} ${JSON.stringify(res.body)}`);
}

const ids = (g: GroupBody) => g.members.map((m) => m.id).sort();
let seq = 0;
const groupName = (prefix = 'g') => `${prefix}${++seq}-${randomUUID().slice(0, 8)}`;

describe('groups', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;
  let member2: TestUser;
  /** A member of the second organization only. */
  let outsider: TestUser;
  let otherOrg: string;

  const orgGroups = (suffix = '') => `/api/v2/organizations/${owner.orgId}/groups${suffix}`;
  const as = (u: TestUser | FirstUser) => api(server, u.token);

  async function createGroup(body: Record<string, unknown> = {}): Promise<GroupBody> {
    const res = await as(owner).post(orgGroups()).send({ name: groupName(), ...body });
    if (res.status !== 201) throw new Error(`create group failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function patch(id: string, body: Record<string, unknown>, by: TestUser | FirstUser = owner) {
    return as(by).patch(`/api/v2/groups/${id}`).send(body);
  }

  beforeAll(async () => {
    server = await startServer();
    owner = await createFirstUser(server);
    member = await createUser(server, owner, { username: 'amember' });
    member2 = await createUser(server, owner, { username: 'bmember' });
    otherOrg = await sqlOrganization(server, 'other-org');
    outsider = await createUser(server, owner, { username: 'outsider', organizationIds: [otherOrg] });
  });
  afterAll(() => server?.close());

  describe('before a license entitles template_rbac', () => {
    // Every row has four entries: with fewer, jest would pass its `done` callback as the body.
    const routes: Array<[string, string, (o: FirstUser) => string, object | null]> = [
      ['POST', '/organizations/{org}/groups', (o) => `/api/v2/organizations/${o.orgId}/groups`, { name: 'unlicensed' }],
      ['GET', '/organizations/{org}/groups', (o) => `/api/v2/organizations/${o.orgId}/groups`, null],
      ['GET', '/organizations/{org}/groups/{name}', (o) => `/api/v2/organizations/${o.orgId}/groups/Everyone`, null],
      ['GET', '/groups', () => '/api/v2/groups', null],
      ['GET', '/groups/{group}', (o) => `/api/v2/groups/${o.orgId}`, null],
      ['PATCH', '/groups/{group}', (o) => `/api/v2/groups/${o.orgId}`, { quota_allowance: 5 }],
      ['DELETE', '/groups/{group}', (o) => `/api/v2/groups/${o.orgId}`, null],
    ];

    it.each(routes)('%s %s answers 403 with the premium-feature message', async (method, _route, path, body) => {
      let req = as(owner)[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](path(owner));
      if (body) req = req.send(body);
      const res = await req;
      expectErrorBody(res, 403, PREMIUM);
      expect(res.body).toEqual({ message: PREMIUM });
    });

    it('refuses before looking at the body, and changes nothing', async () => {
      const res = await as(owner).post(orgGroups()).send({ name: 'not a valid name', unknown: true });
      expect(res.body).toEqual({ message: PREMIUM });
      expect(res.status).toBe(403);
      const patched = await patch(owner.orgId, { quota_allowance: 7 });
      expect(patched.status).toBe(403);
      expect(await server.sql('SELECT 1 FROM groups WHERE organization_id = $1 AND id <> $1', [owner.orgId])).toEqual([]);
      expect(await server.sql('SELECT quota_allowance FROM groups WHERE id = $1', [owner.orgId])).toEqual([{ quota_allowance: 0 }]);
    });

    it('anonymous callers get 401 before the license is looked at', async () => {
      const res = await api(server).get('/api/v2/groups');
      expectErrorBody(res, 401);
    });

    it('a license for another feature (multiple_organizations) does not open the routes', async () => {
      await license(server, owner, { multiple_organizations: 1 });
      const res = await as(owner).get('/api/v2/groups');
      expect(res.body).toEqual({ message: PREMIUM });
      expect(res.status).toBe(403);
    });
  });

  describe('with a license for template_rbac', () => {
    beforeAll(() => license(server, owner, { template_rbac: 1 }));

    it('the routes answer at once, without a restart', async () => {
      const res = await as(owner).get('/api/v2/groups');
      expect(res.status).toBe(200);
      expect(res.body.map((g: GroupBody) => g.id)).toEqual(expect.arrayContaining([owner.orgId, otherOrg]));
    });

    describe('POST /organizations/{organization}/groups', () => {
      it('creates a group with Coder defaults and answers 201 with the Group', async () => {
        const name = groupName('new');
        const res = await as(owner).post(orgGroups()).send({ name });
        expect(res.status).toBe(201);
        expect(Object.keys(res.body).sort()).toEqual(GROUP_KEYS);
        expect(res.body).toEqual({
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          name,
          display_name: '',
          organization_id: owner.orgId,
          members: [],
          total_member_count: 0,
          avatar_url: '',
          quota_allowance: 0,
          source: 'user',
          organization_name: 'coder',
          organization_display_name: 'Coder',
        });
        expect(await server.sql('SELECT name, organization_id FROM groups WHERE id = $1', [res.body.id])).toEqual([
          { name, organization_id: owner.orgId },
        ]);
      });

      it('takes every field, and the organization by name', async () => {
        const name = groupName('full');
        const res = await as(owner)
          .post('/api/v2/organizations/coder/groups')
          .send({ name, display_name: 'Full Group', avatar_url: 'https://example.com/a.png', quota_allowance: 12 });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ name, display_name: 'Full Group', avatar_url: 'https://example.com/a.png', quota_allowance: 12, organization_id: owner.orgId });
      });

      it('refuses a duplicate name with 409; names are case-sensitive, as in Coder', async () => {
        const g = await createGroup();
        const dup = await as(owner).post(orgGroups()).send({ name: g.name });
        expectErrorBody(dup, 409, `A group named "${g.name}" already exists.`);
        expect(dup.body.validations).toEqual([{ field: 'name', detail: expect.any(String) }]);
        const upper = await as(owner).post(orgGroups()).send({ name: g.name.toUpperCase() });
        expect(upper.status).toBe(201);
      });

      it('the same name may exist in another organization', async () => {
        const g = await createGroup();
        const res = await as(owner).post(`/api/v2/organizations/${otherOrg}/groups`).send({ name: g.name });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ organization_id: otherOrg, organization_name: 'other-org' });
      });

      it('refuses the reserved name "Everyone" with 400 "Invalid group name."', async () => {
        const res = await as(owner).post(orgGroups()).send({ name: 'Everyone' });
        expectErrorBody(res, 400, 'Invalid group name.');
        expect(res.body.validations).toEqual([{ field: 'name', detail: expect.stringContaining('reserved') }]);
      });

      it.each([
        ['empty', ''],
        ['with a space', 'bad name'],
        ['with a double hyphen', 'a--b'],
        ['with a leading hyphen', '-ab'],
        ['with an underscore', 'a_b'],
        ['a route word', 'new'],
        ['longer than 255 characters', 'a'.repeat(256)],
        ['not a string', 42],
        ['missing', undefined],
      ])('refuses a name that is %s with 400 naming the field', async (_what, name) => {
        const res = await as(owner).post(orgGroups()).send(name === undefined ? {} : { name });
        expectErrorBody(res, 400, 'Validation failed.');
        expect(res.body.validations.map((v: { field: string }) => v.field)).toEqual(['name']);
      });

      it('accepts a 255-character name', async () => {
        const res = await as(owner).post(orgGroups()).send({ name: 'b'.repeat(255) });
        expect(res.status).toBe(201);
      });

      it.each([
        ['display_name', ' padded'],
        ['display_name', 'x'.repeat(65)],
        ['quota_allowance', -1],
        ['quota_allowance', 1.5],
        ['quota_allowance', '3'],
        ['avatar_url', 7],
      ])('refuses %s = %p with 400 naming the field', async (field, value) => {
        const res = await as(owner).post(orgGroups()).send({ name: groupName(), [field]: value });
        expectErrorBody(res, 400, 'Validation failed.');
        expect(res.body.validations.map((v: { field: string }) => v.field)).toEqual([field]);
      });

      it('answers 404 for an unknown organization', async () => {
        for (const org of [randomUUID(), 'no-such-org']) {
          const res = await as(owner).post(`/api/v2/organizations/${org}/groups`).send({ name: groupName() });
          expectErrorBody(res, 404);
        }
      });
    });

    describe('the Everyone group', () => {
      const memberCount = async (orgId: string) =>
        (
          await server.sql<{ n: number }>(
            `SELECT count(*)::int AS n FROM organization_members m JOIN users u ON u.id = m.user_id
             WHERE m.organization_id = $1 AND NOT u.deleted AND NOT u.is_system`,
            [orgId],
          )
        )[0].n;

      it('has the organization id, and lists every organization member', async () => {
        const res = await as(owner).get(`/api/v2/groups/${owner.orgId}`);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ id: owner.orgId, name: 'Everyone', organization_id: owner.orgId, source: 'user' });
        expect(res.body.members.map((m: { id: string }) => m.id)).toEqual(expect.arrayContaining([owner.id, member.id, member2.id]));
        expect(res.body.members.map((m: { id: string }) => m.id)).not.toContain(outsider.id);
        expect(res.body.total_member_count).toBe(await memberCount(owner.orgId));
        expect(res.body.members).toHaveLength(res.body.total_member_count);
        for (const m of res.body.members) for (const k of REDUCED_USER_KEYS) expect(m).toHaveProperty(k);
      });

      it('a new organization member is in it at once', async () => {
        const fresh = await createUser(server, owner);
        const res = await as(owner).get(orgGroups('/Everyone'));
        expect(res.status).toBe(200);
        expect(res.body.members.map((m: { id: string }) => m.id)).toContain(fresh.id);
      });

      it('cannot be deleted (400) and is still there afterwards', async () => {
        const res = await as(owner).delete(`/api/v2/groups/${owner.orgId}`);
        expectErrorBody(res, 400, '"Everyone" is a reserved group and cannot be deleted!');
        expect(await server.sql('SELECT 1 FROM groups WHERE id = $1', [owner.orgId])).toHaveLength(1);
      });

      it('cannot be renamed, nor get a display name (400)', async () => {
        const rename = await patch(owner.orgId, { name: 'everybody' });
        expectErrorBody(rename, 400, 'Cannot rename the "Everyone" group!');
        const display = await patch(owner.orgId, { display_name: 'All of us' });
        expectErrorBody(display, 400, 'Cannot update the Display Name for the "Everyone" group!');
        expect(await server.sql('SELECT name, display_name FROM groups WHERE id = $1', [owner.orgId])).toEqual([{ name: 'Everyone', display_name: '' }]);
      });

      it('patching it with its own name is not a rename', async () => {
        const res = await patch(owner.orgId, { name: 'Everyone' });
        expect(res.status).toBe(200);
        expect(res.body.name).toBe('Everyone');
      });

      it('members cannot be added or removed (403, as Coder: membership is organization membership)', async () => {
        for (const body of [{ add_users: [member.id] }, { remove_users: [member.id] }]) {
          const res = await patch(owner.orgId, body);
          expectErrorBody(res, 403, 'Cannot add or remove users from the "Everyone" group!');
        }
        expect(await server.sql('SELECT 1 FROM group_members WHERE group_id = $1', [owner.orgId])).toEqual([]);
      });

      it('quota_allowance and avatar_url may be changed', async () => {
        const res = await patch(owner.orgId, { quota_allowance: 3, avatar_url: '/emojis/1f60a.png' });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ id: owner.orgId, name: 'Everyone', quota_allowance: 3, avatar_url: '/emojis/1f60a.png' });
        const again = await as(owner).get(`/api/v2/groups/${owner.orgId}`);
        expect(again.body).toMatchObject({ quota_allowance: 3, avatar_url: '/emojis/1f60a.png' });
      });

      it('every member of the organization may read it; members of other organizations may not (404)', async () => {
        const mine = await as(member).get(`/api/v2/groups/${owner.orgId}`);
        expect(mine.status).toBe(200);
        expect(mine.body.name).toBe('Everyone');
        const theirs = await as(outsider).get(`/api/v2/groups/${owner.orgId}`);
        expectErrorBody(theirs, 404);
        const ownEveryone = await as(outsider).get(`/api/v2/groups/${otherOrg}`);
        expect(ownEveryone.status).toBe(200);
      });
    });

    describe('reading groups', () => {
      it('GET /organizations/{org}/groups lists the organization groups, Everyone included', async () => {
        const g = await createGroup();
        const res = await as(owner).get(orgGroups());
        expect(res.status).toBe(200);
        const listed = res.body.map((x: GroupBody) => x.id);
        expect(listed).toEqual(expect.arrayContaining([owner.orgId, g.id]));
        expect(res.body.every((x: GroupBody) => x.organization_id === owner.orgId)).toBe(true);
        for (const x of res.body) expect(Object.keys(x).sort()).toEqual(GROUP_KEYS);
      });

      it('GET /organizations/{org}/groups/{groupName} finds a group by its exact name', async () => {
        const g = await createGroup({ display_name: 'By Name' });
        const res = await as(owner).get(orgGroups(`/${g.name}`));
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ id: g.id, display_name: 'By Name' });
        expectErrorBody(await as(owner).get(orgGroups(`/${g.name.toUpperCase()}`)), 404);
        expectErrorBody(await as(owner).get(orgGroups('/no-such-group')), 404);
        // A group of another organization is not found under this one.
        const other = await as(owner).post(`/api/v2/organizations/${otherOrg}/groups`).send({ name: groupName('elsewhere') });
        expectErrorBody(await as(owner).get(orgGroups(`/${other.body.name}`)), 404);
      });

      it('GET /groups/{group} takes an id: 400 for anything else, 404 for an unknown one', async () => {
        const g = await createGroup();
        expect((await as(owner).get(`/api/v2/groups/${g.id}`)).body.id).toBe(g.id);
        expectErrorBody(await as(owner).get(`/api/v2/groups/${g.name}`), 400);
        expectErrorBody(await as(owner).get(`/api/v2/groups/${randomUUID()}`), 404);
      });

      it('GET /groups lists every organization and filters by organization (id or name)', async () => {
        const here = await createGroup();
        const there = (await as(owner).post(`/api/v2/organizations/${otherOrg}/groups`).send({ name: groupName() })).body as GroupBody;
        const all = (await as(owner).get('/api/v2/groups')).body.map((g: GroupBody) => g.id);
        expect(all).toEqual(expect.arrayContaining([here.id, there.id, owner.orgId, otherOrg]));
        for (const org of [otherOrg, 'other-org']) {
          const res = await as(owner).get(`/api/v2/groups?organization=${org}`);
          expect(res.status).toBe(200);
          expect(res.body.map((g: GroupBody) => g.id)).toContain(there.id);
          expect(res.body.every((g: GroupBody) => g.organization_id === otherOrg)).toBe(true);
        }
        const unknown = await as(owner).get('/api/v2/groups?organization=no-such-org');
        expectErrorBody(unknown, 400, 'Query parameters have invalid values.');
        expect(unknown.body.validations).toEqual([{ field: 'organization', detail: expect.any(String) }]);
      });

      it('GET /groups?has_member= (id or username) lists that user\'s groups, Everyone included', async () => {
        const g = await createGroup();
        expect((await patch(g.id, { add_users: [member2.id] })).status).toBe(200);
        for (const who of [member2.id, member2.username]) {
          const res = await as(owner).get(`/api/v2/groups?has_member=${who}`);
          expect(res.status).toBe(200);
          const listed = res.body.map((x: GroupBody) => x.id);
          expect(listed).toEqual(expect.arrayContaining([g.id, owner.orgId]));
          expect(listed).not.toContain(otherOrg);
        }
        const unknown = await as(owner).get('/api/v2/groups?has_member=nobody-here');
        expectErrorBody(unknown, 400, 'Query parameters have invalid values.');
        expect(unknown.body.validations).toEqual([{ field: 'has_member', detail: expect.any(String) }]);
      });

      it('GET /groups?group_ids= takes a comma-separated list of ids', async () => {
        const a = await createGroup();
        const b = await createGroup();
        await createGroup();
        const res = await as(owner).get(`/api/v2/groups?group_ids=${a.id},${b.id}`);
        expect(res.status).toBe(200);
        expect(res.body.map((g: GroupBody) => g.id).sort()).toEqual([a.id, b.id].sort());
        const bad = await as(owner).get(`/api/v2/groups?group_ids=${a.id},nope`);
        expectErrorBody(bad, 400, 'Query parameters have invalid values.');
        expect(bad.body.validations).toEqual([{ field: 'group_ids', detail: expect.any(String) }]);
      });
    });

    describe('PATCH /groups/{group}', () => {
      it('adds and removes members; the member list and count follow', async () => {
        const g = await createGroup();
        const added = await patch(g.id, { add_users: [member.id, member2.id] });
        expect(added.status).toBe(200);
        expect(ids(added.body)).toEqual([member.id, member2.id].sort());
        expect(added.body.total_member_count).toBe(2);
        const removed = await patch(g.id, { remove_users: [member.id] });
        expect(removed.status).toBe(200);
        expect(ids(removed.body)).toEqual([member2.id]);
        expect(removed.body.total_member_count).toBe(1);
        expect(await server.sql('SELECT user_id FROM group_members WHERE group_id = $1', [g.id])).toEqual([{ user_id: member2.id }]);
      });

      it('a user added to a group can read it at once, and cannot once removed', async () => {
        const g = await createGroup();
        // The member's session is in use (and cached) before the change.
        expectErrorBody(await as(member).get(`/api/v2/groups/${g.id}`), 404);
        expect((await patch(g.id, { add_users: [member.id] })).status).toBe(200);
        expect((await as(member).get(`/api/v2/groups/${g.id}`)).status).toBe(200);
        expect((await patch(g.id, { remove_users: [member.id] })).status).toBe(200);
        expectErrorBody(await as(member).get(`/api/v2/groups/${g.id}`), 404);
      });

      it('changes name, display name, avatar and quota; empty or null fields change nothing', async () => {
        const g = await createGroup({ display_name: 'Before', avatar_url: '/a.png', quota_allowance: 1 });
        const name = groupName('renamed');
        const res = await patch(g.id, { name, display_name: 'After', avatar_url: '/b.png', quota_allowance: 9 });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ id: g.id, name, display_name: 'After', avatar_url: '/b.png', quota_allowance: 9 });
        const same = await patch(g.id, { name: '', display_name: null, avatar_url: null, quota_allowance: null });
        expect(same.status).toBe(200);
        expect(same.body).toMatchObject({ name, display_name: 'After', avatar_url: '/b.png', quota_allowance: 9 });
        expect((await as(owner).get(orgGroups(`/${name}`))).body.id).toBe(g.id);
        expectErrorBody(await as(owner).get(orgGroups(`/${g.name}`)), 404);
      });

      it('refuses a name another group of the organization has (409) and the reserved "Everyone" (400)', async () => {
        const a = await createGroup();
        const b = await createGroup();
        expectErrorBody(await patch(b.id, { name: a.name }), 409, `A group named "${a.name}" already exists.`);
        const reserved = await patch(b.id, { name: 'Everyone' });
        expectErrorBody(reserved, 400, '"Everyone" is a reserved group name!');
        expect(await server.sql('SELECT name FROM groups WHERE id = $1', [b.id])).toEqual([{ name: b.name }]);
      });

      it('refuses users outside the organization, unknown users and non-UUIDs with 400 naming the field, and changes nothing', async () => {
        const g = await createGroup();
        const outside = await patch(g.id, { add_users: [outsider.id] });
        expectErrorBody(outside, 400, 'User must be a member of the organization.');
        expect(outside.body.validations).toEqual([{ field: 'add_users', detail: expect.stringContaining(outsider.id) }]);
        const unknownId = randomUUID();
        const unknown = await patch(g.id, { add_users: [member.id, unknownId] });
        expectErrorBody(unknown, 400, 'User must be a member of the organization.');
        expect(unknown.body.validations).toEqual([{ field: 'add_users', detail: expect.stringContaining(unknownId) }]);
        const notUuid = await patch(g.id, { remove_users: ['bob'] });
        expectErrorBody(notUuid, 400, 'ID "bob" must be a valid user UUID.');
        expect(notUuid.body.validations).toEqual([{ field: 'remove_users', detail: 'ID "bob" must be a valid user UUID.' }]);
        const notArray = await patch(g.id, { add_users: member.id });
        expectErrorBody(notArray, 400, 'Validation failed.');
        expect(notArray.body.validations.map((v: { field: string }) => v.field)).toEqual(['add_users']);
        expect(await server.sql('SELECT 1 FROM group_members WHERE group_id = $1', [g.id])).toEqual([]);
      });

      it('refuses to add a user twice (400) and leaves the group as it was', async () => {
        const g = await createGroup();
        expect((await patch(g.id, { add_users: [member.id] })).status).toBe(200);
        const again = await patch(g.id, { add_users: [member2.id, member.id], quota_allowance: 4 });
        expectErrorBody(again, 400, 'Cannot add the same user to a group twice!');
        const dupInRequest = await patch(g.id, { add_users: [member2.id, member2.id] });
        expectErrorBody(dupInRequest, 400, 'Cannot add the same user to a group twice!');
        expect(await server.sql('SELECT user_id FROM group_members WHERE group_id = $1', [g.id])).toEqual([{ user_id: member.id }]);
        expect(await server.sql('SELECT quota_allowance FROM groups WHERE id = $1', [g.id])).toEqual([{ quota_allowance: 0 }]);
      });

      it('refuses unknown fields and answers 404 for an unknown group', async () => {
        const g = await createGroup();
        const res = await patch(g.id, { members: [] });
        expectErrorBody(res, 400, 'Validation failed.');
        expectErrorBody(await patch(randomUUID(), { quota_allowance: 1 }), 404);
      });
    });

    describe('members reading their own group', () => {
      let mine: GroupBody;
      let notMine: GroupBody;

      beforeAll(async () => {
        mine = await createGroup();
        notMine = await createGroup();
        expect((await patch(mine.id, { add_users: [member.id, member2.id] })).status).toBe(200);
      });

      it('a member reads a group they belong to, seeing themselves among the members and the full count', async () => {
        const res = await as(member).get(`/api/v2/groups/${mine.id}`);
        expect(res.status).toBe(200);
        expect(res.body.id).toBe(mine.id);
        // Coder filters the members by group_member:read: a member may read only their own membership.
        expect(ids(res.body)).toEqual([member.id]);
        expect(res.body.total_member_count).toBe(2);
        const byName = await as(member).get(orgGroups(`/${mine.name}`));
        expect(byName.status).toBe(200);
      });

      it('a member gets 404 for a group they do not belong to, by id and by name', async () => {
        expectErrorBody(await as(member).get(`/api/v2/groups/${notMine.id}`), 404);
        expectErrorBody(await as(member).get(orgGroups(`/${notMine.name}`)), 404);
      });

      it('lists show a member only Everyone and their own groups', async () => {
        for (const path of [orgGroups(), '/api/v2/groups']) {
          const res = await as(member).get(path);
          expect(res.status).toBe(200);
          const listed = res.body.map((g: GroupBody) => g.id);
          expect(listed).toEqual(expect.arrayContaining([owner.orgId, mine.id]));
          expect(listed).not.toContain(notMine.id);
          expect(listed).not.toContain(otherOrg);
        }
      });

      it('a member may not change or delete their own group (403) nor create groups (403)', async () => {
        expectErrorBody(await patch(mine.id, { quota_allowance: 50 }, member), 403);
        expectErrorBody(await as(member).delete(`/api/v2/groups/${mine.id}`), 403);
        expectErrorBody(await as(member).post(orgGroups()).send({ name: groupName() }), 403);
        expect(await server.sql('SELECT quota_allowance FROM groups WHERE id = $1', [mine.id])).toEqual([{ quota_allowance: 0 }]);
      });
    });

    describe('DELETE /groups/{group}', () => {
      it('deletes the group: 200 {"message"}, then 404; its members lose access at once', async () => {
        const g = await createGroup();
        expect((await patch(g.id, { add_users: [member.id] })).status).toBe(200);
        expect((await as(member).get(`/api/v2/groups/${g.id}`)).status).toBe(200);
        const res = await as(owner).delete(`/api/v2/groups/${g.id}`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ message: 'Successfully deleted group!' });
        expectErrorBody(await as(owner).get(`/api/v2/groups/${g.id}`), 404);
        expect(await server.sql('SELECT 1 FROM group_members WHERE group_id = $1', [g.id])).toEqual([]);
        const listed = (await as(member).get('/api/v2/groups')).body.map((x: GroupBody) => x.id);
        expect(listed).not.toContain(g.id);
        expectErrorBody(await as(owner).delete(`/api/v2/groups/${g.id}`), 404);
      });
    });

    describe('membership follows the organization and the user', () => {
      it('leaving the organization takes a user out of its groups', async () => {
        const leaver = await createUser(server, owner);
        const g = await createGroup();
        expect((await patch(g.id, { add_users: [leaver.id, member.id] })).status).toBe(200);
        expect((await as(owner).delete(`/api/v2/organizations/${owner.orgId}/members/${leaver.id}`)).status).toBe(204);
        const res = await as(owner).get(`/api/v2/groups/${g.id}`);
        expect(ids(res.body)).toEqual([member.id]);
        expect(res.body.total_member_count).toBe(1);
      });

      it('a deleted user is no longer listed nor counted', async () => {
        const gone = await createUser(server, owner);
        const g = await createGroup();
        expect((await patch(g.id, { add_users: [gone.id] })).status).toBe(200);
        expect((await as(owner).delete(`/api/v2/users/${gone.id}`)).status).toBeLessThan(300);
        const res = await as(owner).get(`/api/v2/groups/${g.id}`);
        expect(res.body.members).toEqual([]);
        expect(res.body.total_member_count).toBe(0);
        const everyone = await as(owner).get(`/api/v2/groups/${owner.orgId}`);
        expect(everyone.body.members.map((m: { id: string }) => m.id)).not.toContain(gone.id);
      });
    });
  });
});

// ---------------------------------------------------------------------------------------------
// RBAC matrix: each (route, actor) pair against the status class Coder's rules give:
// reading what you may not read is 404, acting without permission on what you may read is 403,
// no session is 401. Mutations also check the database; list routes whether the target is listed.

const matrix = defineMatrix(ALL_ACTORS);
const { row } = matrix;

interface World extends MatrixWorld {
  /** A group of the default organization that none of the actors is in. */
  shared: GroupBody;
}

async function freshGroup(w: World, members: string[] = []): Promise<GroupBody> {
  const res = await api(w.server, w.owner.token).post(`/api/v2/organizations/${w.defaultOrg}/groups`).send({ name: groupName('m') });
  if (res.status !== 201) throw new Error(`arrange: create group failed: ${res.status} ${JSON.stringify(res.body)}`);
  if (members.length === 0) return res.body;
  const added = await api(w.server, w.owner.token).patch(`/api/v2/groups/${res.body.id}`).send({ add_users: members });
  if (added.status !== 200) throw new Error(`arrange: add members failed: ${added.status} ${JSON.stringify(added.body)}`);
  return added.body;
}

const listed = (body: unknown, g: GroupBody) => (body as GroupBody[]).some((x) => x.id === g.id);
const quota = async (w: World, g: GroupBody) => (await w.server.sql<{ q: number }>('SELECT quota_allowance AS q FROM groups WHERE id = $1', [g.id]))[0]?.q;

//                                                      owner  user-admin org-admin org-user-admin auditor member other-org anonymous
const ROUTES: Array<RouteCase<World, GroupBody>> = [
  {
    // group:create in the organization: owner and user-admin site-wide, the two org admin roles in it.
    route: 'POST /organizations/{org}/groups',
    arrange: async () => ({ name: groupName('created') }) as GroupBody,
    request: (w, g) => ({ method: 'post', path: `/api/v2/organizations/${w.defaultOrg}/groups`, body: { name: g.name } }),
    happened: async (w, g) => (await w.server.sql('SELECT 1 FROM groups WHERE name = $1', [g.name])).length === 1,
    expect: row('2xx', '2xx', '2xx', '2xx', '403', '403', '404', '401'),
  },
  {
    route: 'GET /organizations/{org}/groups',
    arrange: async (w) => w.shared,
    request: (w) => ({ method: 'get', path: `/api/v2/organizations/${w.defaultOrg}/groups` }),
    contains: listed,
    expect: row('2xx+', '2xx+', '2xx+', '2xx+', '2xx+', '2xx-', '404', '401'),
  },
  {
    route: 'GET /organizations/{org}/groups/{groupName}',
    arrange: async (w) => w.shared,
    request: (w, g) => ({ method: 'get', path: `/api/v2/organizations/${w.defaultOrg}/groups/${g.name}` }),
    expect: row('2xx', '2xx', '2xx', '2xx', '2xx', '404', '404', '401'),
  },
  {
    route: 'GET /groups',
    arrange: async (w) => w.shared,
    request: () => ({ method: 'get', path: '/api/v2/groups' }),
    contains: listed,
    expect: row('2xx+', '2xx+', '2xx+', '2xx+', '2xx+', '2xx-', '2xx-', '401'),
  },
  {
    route: 'GET /groups/{group}',
    arrange: async (w) => w.shared,
    request: (_w, g) => ({ method: 'get', path: `/api/v2/groups/${g.id}` }),
    expect: row('2xx', '2xx', '2xx', '2xx', '2xx', '404', '404', '401'),
  },
  {
    // Everyone is readable by every member of its organization.
    route: 'GET /groups/{Everyone}',
    arrange: async (w) => ({ id: w.defaultOrg }) as GroupBody,
    request: (_w, g) => ({ method: 'get', path: `/api/v2/groups/${g.id}` }),
    expect: row('2xx', '2xx', '2xx', '2xx', '2xx', '2xx', '404', '401'),
  },
  {
    // The group ACL: members of a group may read it (and nothing more, see the PATCH row below).
    route: 'GET /groups/{group the member is in}',
    arrange: (w) => freshGroup(w, [w.actors.member.id]),
    request: (_w, g) => ({ method: 'get', path: `/api/v2/groups/${g.id}` }),
    expect: row('2xx', '2xx', '2xx', '2xx', '2xx', '2xx', '404', '401'),
  },
  {
    route: 'PATCH /groups/{group}',
    arrange: (w) => freshGroup(w),
    request: (_w, g) => ({ method: 'patch', path: `/api/v2/groups/${g.id}`, body: { quota_allowance: 42 } }),
    happened: async (w, g) => (await quota(w, g)) === 42,
    expect: row('2xx', '2xx', '2xx', '2xx', '403', '404', '404', '401'),
  },
  {
    route: 'PATCH /groups/{group the member is in}',
    arrange: (w) => freshGroup(w, [w.actors.member.id]),
    request: (_w, g) => ({ method: 'patch', path: `/api/v2/groups/${g.id}`, body: { quota_allowance: 42 } }),
    happened: async (w, g) => (await quota(w, g)) === 42,
    expect: row('2xx', '2xx', '2xx', '2xx', '403', '403', '404', '401'),
  },
  {
    route: 'DELETE /groups/{group}',
    arrange: (w) => freshGroup(w),
    request: (_w, g) => ({ method: 'delete', path: `/api/v2/groups/${g.id}` }),
    happened: async (w, g) => (await w.server.sql('SELECT 1 FROM groups WHERE id = $1', [g.id])).length === 0,
    expect: row('2xx', '2xx', '2xx', '2xx', '403', '404', '404', '401'),
  },
];

describe('RBAC matrix: groups', () => {
  let w: World;

  beforeAll(async () => {
    const server = await startServer();
    const owner = await createFirstUser(server);
    await license(server, owner, { template_rbac: 1 });
    w = { ...(await createWorld(server, owner, ALL_ACTORS)), shared: undefined as unknown as GroupBody };
    w.shared = await freshGroup(w);
  });
  afterAll(() => w?.server.close());

  runMatrix(matrix, ROUTES, () => w);
});
