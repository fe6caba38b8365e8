import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const ORG_KEYS = ['id', 'name', 'display_name', 'description', 'icon', 'created_at', 'updated_at', 'is_default'];
const MEMBER_KEYS = ['user_id', 'organization_id', 'created_at', 'updated_at', 'roles'];
const MEMBER_WITH_USER_KEYS = [...MEMBER_KEYS, 'username', 'email', 'global_roles'];

describe('organizations and members', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;
  /** A second organization, created through SQL (multiple organizations are an enterprise feature). */
  let otherOrgId: string;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
    otherOrgId = randomUUID();
    await server.sql(`INSERT INTO organizations (id, name, display_name) VALUES ($1, 'other-org', 'Other Org')`, [otherOrgId]);
    await server.sql(`INSERT INTO groups (id, name, organization_id) VALUES ($1, 'Everyone', $1)`, [otherOrgId]);
  });
  afterAll(() => server.close());

  const orgPath = (suffix = '') => `/api/v2/organizations/${owner.orgId}${suffix}`;

  describe('GET /organizations', () => {
    it('lists the default organization "coder" with is_default true', async () => {
      const res = await api(server, owner.token).get('/api/v2/organizations');
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body)).toBe(true);
      const coder = res.body.find((o: { name: string }) => o.name === 'coder');
      expect(coder).toBeDefined();
      expect(coder).toMatchObject({ id: owner.orgId, is_default: true });
      for (const k of ORG_KEYS) expect(coder).toHaveProperty(k);
      expect(res.body.filter((o: { is_default: boolean }) => o.is_default)).toHaveLength(1);
    });

    it('an owner sees every organization; a member only theirs', async () => {
      const asOwner = await api(server, owner.token).get('/api/v2/organizations');
      expect(asOwner.body.map((o: { id: string }) => o.id)).toEqual(expect.arrayContaining([owner.orgId, otherOrgId]));
      const asMember = await api(server, member.token).get('/api/v2/organizations');
      expect(asMember.status).toBe(200);
      expect(asMember.body.map((o: { id: string }) => o.id)).toEqual([owner.orgId]);
    });
  });

  describe('GET /organizations/{organization}', () => {
    it('finds the organization by id', async () => {
      const res = await api(server, owner.token).get(orgPath());
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: owner.orgId, name: 'coder', is_default: true });
      for (const k of ORG_KEYS) expect(res.body).toHaveProperty(k);
    });

    it('finds the organization by name', async () => {
      const res = await api(server, member.token).get('/api/v2/organizations/coder');
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(owner.orgId);
    });

    it('answers 404 for an unknown id or name', async () => {
      for (const param of [randomUUID(), 'no-such-org']) {
        const res = await api(server, owner.token).get(`/api/v2/organizations/${param}`);
        expect(res.status).toBe(404);
        expect(typeof res.body.message).toBe('string');
      }
    });

    it('a user who is not a member of an organization gets 404 for it (and its members)', async () => {
      const byId = await api(server, member.token).get(`/api/v2/organizations/${otherOrgId}`);
      expect(byId.status).toBe(404);
      const byName = await api(server, member.token).get('/api/v2/organizations/other-org');
      expect(byName.status).toBe(404);
      const members = await api(server, member.token).get(`/api/v2/organizations/${otherOrgId}/members`);
      expect(members.status).toBe(404);
      // The owner can see it.
      const asOwner = await api(server, owner.token).get('/api/v2/organizations/other-org');
      expect(asOwner.status).toBe(200);
      expect(asOwner.body).toMatchObject({ id: otherOrgId, is_default: false, display_name: 'Other Org' });
    });

    it('a user made a member of an organization (via SQL, before their first request) can read it', async () => {
      const insider = await createUser(server, owner, { organizationIds: [otherOrgId] });
      const res = await api(server, insider.token).get(`/api/v2/organizations/${otherOrgId}`);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(otherOrgId);
      // ...but not the default organization, which they are not in.
      expect((await api(server, insider.token).get(orgPath())).status).toBe(404);
    });
  });

  describe('members', () => {
    it('GET members lists OrganizationMemberWithUserData', async () => {
      const res = await api(server, owner.token).get(orgPath('/members'));
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body)).toBe(true);
      const me = res.body.find((m: { user_id: string }) => m.user_id === owner.id);
      expect(me).toBeDefined();
      for (const k of MEMBER_WITH_USER_KEYS) expect(me).toHaveProperty(k);
      expect(me).toMatchObject({ organization_id: owner.orgId, username: owner.username, email: owner.email });
      expect(me.global_roles).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'owner' })]));
      expect(res.body.map((m: { user_id: string }) => m.user_id)).toContain(member.id);
      for (const m of res.body) expect(m.organization_id).toBe(owner.orgId);
    });

    it('GET paginated-members pages with limit/offset and reports the total count', async () => {
      const all = await api(server, owner.token).get(orgPath('/members'));
      const total = all.body.length;
      expect(total).toBeGreaterThanOrEqual(2);

      const seen: string[] = [];
      for (let offset = 0; offset < total; offset++) {
        const page = await api(server, owner.token).get(orgPath(`/paginated-members?limit=1&offset=${offset}`));
        expect(page.status).toBe(200);
        expect(page.body.count).toBe(total);
        expect(page.body.members).toHaveLength(1);
        for (const k of MEMBER_WITH_USER_KEYS) expect(page.body.members[0]).toHaveProperty(k);
        seen.push(page.body.members[0].user_id);
      }
      expect(new Set(seen).size).toBe(total);
      expect([...seen].sort()).toEqual(all.body.map((m: { user_id: string }) => m.user_id).sort());

      const beyond = await api(server, owner.token).get(orgPath(`/paginated-members?limit=1&offset=${total}`));
      expect(beyond.status).toBe(200);
      expect(beyond.body.members).toEqual([]);
    });

    it('GET paginated-members refuses a non-numeric limit with 400', async () => {
      const res = await api(server, owner.token).get(orgPath('/paginated-members?limit=abc'));
      expect(res.status).toBe(400);
      expect(typeof res.body.message).toBe('string');
    });

    it('GET members/{user} by id, username and me; 404 for a non-member', async () => {
      const byId = await api(server, owner.token).get(orgPath(`/members/${member.id}`));
      expect(byId.status).toBe(200);
      for (const k of MEMBER_WITH_USER_KEYS) expect(byId.body).toHaveProperty(k);
      expect(byId.body).toMatchObject({ user_id: member.id, organization_id: owner.orgId, username: member.username });

      const byName = await api(server, owner.token).get(orgPath(`/members/${member.username}`));
      expect(byName.body.user_id).toBe(member.id);
      const me = await api(server, member.token).get(orgPath('/members/me'));
      expect(me.status).toBe(200);
      expect(me.body.user_id).toBe(member.id);

      const notMember = await api(server, owner.token).get(`/api/v2/organizations/${otherOrgId}/members/${member.id}`);
      expect(notMember.status).toBe(404);
    });

    it('a member can read a fellow member via members/{user}, as the members list already shows them', async () => {
      const list = await api(server, member.token).get(orgPath('/members'));
      expect(list.status).toBe(200);
      const fellow = list.body.find((m: { user_id: string }) => m.user_id === owner.id);
      expect(fellow).toBeDefined();
      const res = await api(server, member.token).get(orgPath(`/members/${owner.id}`));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ user_id: owner.id, organization_id: owner.orgId, username: owner.username });
    });

    it('POST members/{user} adds a member (200 OrganizationMember); adding again is 400, as in Coder', async () => {
      const outsider = await createUser(server, owner, { organizationIds: [otherOrgId] });
      expect((await api(server, owner.token).get(orgPath(`/members/${outsider.id}`))).status).toBe(404);
      // Used before being added, so the server has cached their memberships.
      expect((await api(server, outsider.token).get(orgPath())).status).toBe(404);

      const add = await api(server, owner.token).post(orgPath(`/members/${outsider.id}`));
      expect(add.status).toBe(200);
      for (const k of MEMBER_KEYS) expect(add.body).toHaveProperty(k);
      expect(add.body).toMatchObject({ user_id: outsider.id, organization_id: owner.orgId, roles: [] });

      expect((await api(server, owner.token).get(orgPath(`/members/${outsider.id}`))).status).toBe(200);
      // The new member can read the organization at once.
      expect((await api(server, outsider.token).get(orgPath())).status).toBe(200);

      const again = await api(server, owner.token).post(orgPath(`/members/${outsider.id}`));
      expect(again.status).toBe(400);
      expect(again.body.message).toBe('Organization member already exists in this organization.');
    });

    it('a member cannot add members (403 or 404, never 2xx)', async () => {
      const outsider = await createUser(server, owner, { organizationIds: [otherOrgId] });
      const res = await api(server, member.token).post(orgPath(`/members/${outsider.id}`));
      expect([403, 404]).toContain(res.status);
      expect((await api(server, owner.token).get(orgPath(`/members/${outsider.id}`))).status).toBe(404);
    });

    it('DELETE members/{user} removes the member (204) and their memberships of that organization\'s groups', async () => {
      const leaver = await createUser(server, owner);
      const groupId = randomUUID();
      await server.sql(`INSERT INTO groups (id, name, organization_id) VALUES ($1, $2, $3)`, [groupId, `devs-${groupId.slice(0, 8)}`, owner.orgId]);
      await server.sql(`INSERT INTO group_members (user_id, group_id) VALUES ($1, $2)`, [leaver.id, groupId]);
      // Someone else in the same group stays.
      await server.sql(`INSERT INTO group_members (user_id, group_id) VALUES ($1, $2)`, [member.id, groupId]);

      const del = await api(server, owner.token).delete(orgPath(`/members/${leaver.id}`));
      expect(del.status).toBe(204);
      expect(del.text).toBe('');

      expect((await api(server, owner.token).get(orgPath(`/members/${leaver.id}`))).status).toBe(404);
      const rows = await server.sql(`SELECT 1 FROM group_members WHERE user_id = $1 AND group_id = $2`, [leaver.id, groupId]);
      expect(rows).toHaveLength(0);
      const others = await server.sql(`SELECT 1 FROM group_members WHERE user_id = $1 AND group_id = $2`, [member.id, groupId]);
      expect(others).toHaveLength(1);
      // The removed user can no longer read the organization.
      expect((await api(server, leaver.token).get(orgPath())).status).toBe(404);
      // Removing a non-member is 404.
      expect((await api(server, owner.token).delete(orgPath(`/members/${leaver.id}`))).status).toBe(404);
    });

    it('DELETE members/{user} of yourself is 400', async () => {
      for (const who of ['me', owner.id]) {
        const res = await api(server, owner.token).delete(orgPath(`/members/${who}`));
        expect(res.status).toBe(400);
        expect(typeof res.body.message).toBe('string');
      }
      expect((await api(server, owner.token).get(orgPath('/members/me'))).status).toBe(200);
    });
  });

  describe('member roles', () => {
    it('an owner can assign organization-admin', async () => {
      const target = await createUser(server, owner);
      const res = await api(server, owner.token).put(orgPath(`/members/${target.id}/roles`)).send({ roles: ['organization-admin'] });
      expect(res.status).toBe(200);
      for (const k of MEMBER_KEYS) expect(res.body).toHaveProperty(k);
      expect(res.body.user_id).toBe(target.id);
      expect(res.body.roles).toEqual([{ name: 'organization-admin', display_name: 'Organization Admin', organization_id: owner.orgId }]);

      const read = await api(server, owner.token).get(orgPath(`/members/${target.id}`));
      expect(read.body.roles.map((r: { name: string }) => r.name)).toEqual(['organization-admin']);

      const cleared = await api(server, owner.token).put(orgPath(`/members/${target.id}/roles`)).send({ roles: [] });
      expect(cleared.status).toBe(200);
      expect(cleared.body.roles).toEqual([]);
    });

    it('an unknown role is 400 and changes nothing', async () => {
      const target = await createUser(server, owner);
      const res = await api(server, owner.token).put(orgPath(`/members/${target.id}/roles`)).send({ roles: ['no-such-role'] });
      expect(res.status).toBe(400);
      expect(typeof res.body.message).toBe('string');
      const read = await api(server, owner.token).get(orgPath(`/members/${target.id}`));
      expect(read.body.roles).toEqual([]);
    });

    it('a site role is not an organization role (400)', async () => {
      const target = await createUser(server, owner);
      const res = await api(server, owner.token).put(orgPath(`/members/${target.id}/roles`)).send({ roles: ['owner'] });
      expect(res.status).toBe(400);
    });

    it('a member cannot assign organization roles (403) and nothing changes', async () => {
      const target = await createUser(server, owner);
      const res = await api(server, member.token).put(orgPath(`/members/${target.id}/roles`)).send({ roles: ['organization-admin'] });
      expect(res.status).toBe(403);
      expect(typeof res.body.message).toBe('string');
      const read = await api(server, owner.token).get(orgPath(`/members/${target.id}`));
      expect(read.body.roles).toEqual([]);
    });

    it('an organization admin can assign organization roles, and the grant takes effect at once', async () => {
      const admin = await createUser(server, owner);
      const target = await createUser(server, owner);
      // The admin-to-be has already made a request (their subject is cached) before the grant.
      const before = await api(server, admin.token).put(orgPath(`/members/${target.id}/roles`)).send({ roles: ['organization-auditor'] });
      expect(before.status).toBeGreaterThanOrEqual(400);
      expect((await api(server, owner.token).put(orgPath(`/members/${admin.id}/roles`)).send({ roles: ['organization-admin'] })).status).toBe(200);
      const res = await api(server, admin.token).put(orgPath(`/members/${target.id}/roles`)).send({ roles: ['organization-auditor'] });
      expect(res.status).toBe(200);
      expect(res.body.roles.map((r: { name: string }) => r.name)).toEqual(['organization-auditor']);
    });

    it('GET members/roles lists assignable organization roles for an owner', async () => {
      const res = await api(server, owner.token).get(orgPath('/members/roles'));
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body)).toBe(true);
      const admin = res.body.find((r: { name: string }) => r.name === 'organization-admin');
      expect(admin).toMatchObject({ name: 'organization-admin', display_name: 'Organization Admin', organization_id: owner.orgId, assignable: true, built_in: true });
      for (const k of ['site_permissions', 'organization_permissions', 'user_permissions']) expect(Array.isArray(admin[k])).toBe(true);
    });

    it('GET members/roles of an organization you are not in is 404', async () => {
      const res = await api(server, member.token).get(`/api/v2/organizations/${otherOrgId}/members/roles`);
      expect(res.status).toBe(404);
    });
  });
});
