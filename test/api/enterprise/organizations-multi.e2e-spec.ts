// Multiple organizations (enterprise, feature multiple_organizations): creating, changing and
// deleting organizations, as Coder's enterprise/coderd/organizations.go. Reading them is AGPL
// (test/api/organizations.e2e-spec.ts).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectErrorBody } from '../../support/error-body.js';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../../support/fixtures.js';
import { testPublicKeysFile, uploadLicense, validLicense } from '../../support/licenses.js';
import { ALL_ACTORS, createWorld, defineMatrix, runMatrix, type RouteCase, type UserActor, type World } from '../../support/rbac-matrix.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

const ORG_KEYS = ['created_at', 'description', 'display_name', 'icon', 'id', 'is_default', 'name', 'updated_at'];
const PREMIUM = 'Multiple Organizations is a Premium feature. Contact sales!';

async function startServer(): Promise<TestServer> {
  return startTestServer({ env: { CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile() } });
}

async function license(server: TestServer, owner: FirstUser, features: Record<string, number>): Promise<void> {
  const res = await uploadLicense(server, owner.token, await validLicense(features));
  if (res.status !== 201) throw new Error(`license upload failed: ${res.status} ${JSON.stringify(res.body)}`);
}

let seq = 0;
const orgName = (prefix = 'org') => `${prefix}${++seq}-${randomUUID().slice(0, 6)}`;

describe('multiple organizations', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;

  const as = (u: TestUser | FirstUser) => api(server, u.token);
  const orgRow = async (id: string) =>
    (await server.sql<{ name: string; display_name: string; description: string; icon: string; deleted: boolean }>(
      'SELECT name, display_name, description, icon, deleted FROM organizations WHERE id = $1',
      [id],
    ))[0];

  async function createOrg(body: Record<string, unknown> = {}, by: TestUser | FirstUser = owner) {
    const res = await as(by).post('/api/v2/organizations').send({ name: orgName(), ...body });
    if (res.status !== 201) throw new Error(`create organization failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; name: string; display_name: string };
  }

  /** Adds a user of the deployment to an organization, with organization roles. */
  async function addMember(orgId: string, user: TestUser, roles: string[] = []) {
    const added = await as(owner).post(`/api/v2/organizations/${orgId}/members/${user.id}`);
    if (added.status !== 200) throw new Error(`add member failed: ${added.status} ${JSON.stringify(added.body)}`);
    if (roles.length === 0) return;
    const set = await as(owner).put(`/api/v2/organizations/${orgId}/members/${user.id}/roles`).send({ roles });
    if (set.status !== 200) throw new Error(`member roles failed: ${set.status} ${JSON.stringify(set.body)}`);
  }

  beforeAll(async () => {
    server = await startServer();
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
  });
  afterAll(() => server?.close());

  describe('before a license entitles multiple_organizations', () => {
    it.each([
      ['POST', '/organizations'],
      ['PATCH', '/organizations/{organization}'],
      ['DELETE', '/organizations/{organization}'],
    ])('%s %s answers 403 with the premium-feature message and changes nothing', async (method) => {
      const name = orgName('unlicensed');
      const res =
        method === 'POST'
          ? await as(owner).post('/api/v2/organizations').send({ name })
          : method === 'PATCH'
            ? await as(owner).patch(`/api/v2/organizations/${owner.orgId}`).send({ display_name: 'Changed' })
            : await as(owner).delete(`/api/v2/organizations/${owner.orgId}`);
      expectErrorBody(res, 403, PREMIUM);
      expect(res.body).toEqual({ message: PREMIUM });
      expect(await server.sql('SELECT 1 FROM organizations WHERE name = $1', [name])).toEqual([]);
      expect(await orgRow(owner.orgId)).toMatchObject({ name: 'coder', display_name: 'Coder', deleted: false });
    });

    it('reading organizations is not licensed: GET /organizations still works', async () => {
      const res = await as(owner).get('/api/v2/organizations');
      expect(res.status).toBe(200);
      expect(res.body.map((o: { id: string }) => o.id)).toEqual([owner.orgId]);
    });

    it('a license for another feature (template_rbac) does not open the routes', async () => {
      await license(server, owner, { template_rbac: 1 });
      const res = await as(owner).post('/api/v2/organizations').send({ name: orgName() });
      expect(res.body).toEqual({ message: PREMIUM });
      expect(res.status).toBe(403);
    });
  });

  describe('with a license for multiple_organizations', () => {
    beforeAll(() => license(server, owner, { multiple_organizations: 1 }));

    describe('POST /organizations', () => {
      it('creates the organization at once, without a restart: 201 with the Organization, display name defaulting to the name', async () => {
        const name = orgName('first');
        const res = await as(owner).post('/api/v2/organizations').send({ name });
        expect(res.status).toBe(201);
        expect(Object.keys(res.body).sort()).toEqual(ORG_KEYS);
        expect(res.body).toEqual({
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          name,
          display_name: name,
          description: '',
          icon: '',
          created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          is_default: false,
        });
        const byName = await as(owner).get(`/api/v2/organizations/${name}`);
        expect(byName.status).toBe(200);
        expect(byName.body).toEqual(res.body);
      });

      it('takes display name, description and icon', async () => {
        const name = orgName('full');
        const res = await as(owner).post('/api/v2/organizations').send({ name, display_name: 'Full Org', description: 'Things.', icon: '/emojis/1f3e2.png' });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ name, display_name: 'Full Org', description: 'Things.', icon: '/emojis/1f3e2.png', is_default: false });
      });

      it('creates the Everyone group and makes the creator a plain member (as Coder), visible to the creator at once', async () => {
        const org = await createOrg();
        expect(await server.sql('SELECT id, name FROM groups WHERE organization_id = $1', [org.id])).toEqual([{ id: org.id, name: 'Everyone' }]);
        const membership = await as(owner).get(`/api/v2/organizations/${org.id}/members/${owner.id}`);
        expect(membership.status).toBe(200);
        expect(membership.body).toMatchObject({ user_id: owner.id, organization_id: org.id, roles: [] });
        const me = await as(owner).get('/api/v2/users/me');
        expect(me.body.organization_ids).toEqual(expect.arrayContaining([owner.orgId, org.id]));
        const listed = await as(owner).get('/api/v2/organizations');
        expect(listed.body.map((o: { id: string }) => o.id)).toContain(org.id);
      });

      it('refuses a name in use, in any case, with 409', async () => {
        const org = await createOrg();
        for (const name of [org.name, org.name.toUpperCase(), 'CODER']) {
          const res = await as(owner).post('/api/v2/organizations').send({ name });
          expectErrorBody(res, 409, 'Organization already exists with that name.');
        }
        expect(await server.sql('SELECT 1 FROM organizations WHERE lower(name) = lower($1)', [org.name])).toHaveLength(1);
      });

      it('refuses the reserved name "default" with 400', async () => {
        const res = await as(owner).post('/api/v2/organizations').send({ name: 'default' });
        expectErrorBody(res, 400, 'Organization name "default" is reserved.');
        expect(await server.sql(`SELECT 1 FROM organizations WHERE name = 'default'`)).toEqual([]);
      });

      it.each([
        ['empty', ''],
        ['with a space', 'has space'],
        ['with an underscore', 'under_score'],
        ['with a double hyphen', 'a--b'],
        ['with a trailing hyphen', 'ab-'],
        ['longer than 32 characters', 'a'.repeat(33)],
        ['a route word', 'create'],
        ['not a string', 7],
        ['missing', undefined],
      ])('refuses a name that is %s with 400 naming the field', async (_what, name) => {
        const res = await as(owner).post('/api/v2/organizations').send(name === undefined ? { display_name: 'X' } : { name });
        expectErrorBody(res, 400, 'Validation failed.');
        expect(res.body.validations.map((v: { field: string }) => v.field)).toEqual(['name']);
      });

      it('accepts a 32-character name with hyphens and capitals', async () => {
        const name = `Ab-${'c'.repeat(29)}`;
        const res = await as(owner).post('/api/v2/organizations').send({ name });
        expect(res.status).toBe(201);
        expect(res.body.name).toBe(name);
      });

      it.each([
        ['display_name', ' lead'],
        ['display_name', 'x'.repeat(65)],
        ['description', 5],
        ['icon', false],
        ['unknown_field', 'x'],
      ])('refuses %s = %p with 400 naming the field', async (field, value) => {
        const res = await as(owner).post('/api/v2/organizations').send({ name: orgName(), [field]: value });
        expectErrorBody(res, 400, 'Validation failed.');
        expect(res.body.validations.map((v: { field: string }) => v.field)).toEqual([field]);
      });

      it('only owners may create organizations (403 for everyone else), and nothing is created', async () => {
        const userAdmin = await createUser(server, owner, { siteRoles: ['user-admin'] });
        const orgAdmin = await createUser(server, owner, { orgRoles: ['organization-admin'] });
        for (const who of [member, userAdmin, orgAdmin]) {
          const name = orgName('denied');
          const res = await as(who).post('/api/v2/organizations').send({ name });
          expectErrorBody(res, 403);
          expect(await server.sql('SELECT 1 FROM organizations WHERE name = $1', [name])).toEqual([]);
        }
      });
    });

    describe('PATCH /organizations/{organization}', () => {
      it('changes name, display name, description and icon (organization by id or by name)', async () => {
        const org = await createOrg({ description: 'Old', icon: '/old.png' });
        const name = orgName('renamed');
        const res = await as(owner)
          .patch(`/api/v2/organizations/${org.name}`)
          .send({ name, display_name: 'Renamed', description: 'New', icon: '/new.png' });
        expect(res.status).toBe(200);
        expect(Object.keys(res.body).sort()).toEqual(ORG_KEYS);
        expect(res.body).toMatchObject({ id: org.id, name, display_name: 'Renamed', description: 'New', icon: '/new.png', is_default: false });
        expect(await orgRow(org.id)).toMatchObject({ name, display_name: 'Renamed', description: 'New', icon: '/new.png' });
        expectErrorBody(await as(owner).get(`/api/v2/organizations/${org.name}`), 404);
      });

      it('empty name and display name change nothing; an empty description or icon clears it; null leaves it', async () => {
        const org = await createOrg({ display_name: 'Keep', description: 'Desc', icon: '/i.png' });
        const same = await as(owner).patch(`/api/v2/organizations/${org.id}`).send({ name: '', display_name: '', description: null, icon: null });
        expect(same.status).toBe(200);
        expect(same.body).toMatchObject({ name: org.name, display_name: 'Keep', description: 'Desc', icon: '/i.png' });
        const cleared = await as(owner).patch(`/api/v2/organizations/${org.id}`).send({ description: '', icon: '' });
        expect(cleared.body).toMatchObject({ name: org.name, display_name: 'Keep', description: '', icon: '' });
        expect(new Date(cleared.body.updated_at).getTime()).toBeGreaterThanOrEqual(new Date(same.body.updated_at).getTime());
      });

      it('refuses a name another organization has (409 naming the field) and "default" (400)', async () => {
        const a = await createOrg();
        const b = await createOrg();
        const taken = await as(owner).patch(`/api/v2/organizations/${b.id}`).send({ name: a.name.toUpperCase() });
        expectErrorBody(taken, 409, `Organization already exists with the name "${a.name.toUpperCase()}".`);
        expect(taken.body.validations).toEqual([{ field: 'name', detail: expect.any(String) }]);
        expectErrorBody(await as(owner).patch(`/api/v2/organizations/${b.id}`).send({ name: 'default' }), 400, 'Organization name "default" is reserved.');
        const invalid = await as(owner).patch(`/api/v2/organizations/${b.id}`).send({ name: 'no spaces allowed' });
        expectErrorBody(invalid, 400, 'Validation failed.');
        expect((await orgRow(b.id)).name).toBe(b.name);
      });

      it('an organization admin may change their organization; a plain member may not (403); others do not see it (404)', async () => {
        const org = await createOrg();
        const admin = await createUser(server, owner);
        const plain = await createUser(server, owner);
        await addMember(org.id, admin, ['organization-admin']);
        await addMember(org.id, plain);
        const ok = await as(admin).patch(`/api/v2/organizations/${org.id}`).send({ display_name: 'By Admin' });
        expect(ok.status).toBe(200);
        expect(ok.body.display_name).toBe('By Admin');
        expectErrorBody(await as(plain).patch(`/api/v2/organizations/${org.id}`).send({ display_name: 'By Member' }), 403);
        expectErrorBody(await as(member).patch(`/api/v2/organizations/${org.id}`).send({ display_name: 'By Outsider' }), 404);
        expect((await orgRow(org.id)).display_name).toBe('By Admin');
      });

      it('answers 404 for an unknown organization', async () => {
        expectErrorBody(await as(owner).patch(`/api/v2/organizations/${randomUUID()}`).send({ display_name: 'X' }), 404);
      });
    });

    describe('DELETE /organizations/{organization}', () => {
      it('refuses the default organization with 400', async () => {
        const res = await as(owner).delete(`/api/v2/organizations/${owner.orgId}`);
        expectErrorBody(res, 400, 'Default organization cannot be deleted.');
        expect((await orgRow(owner.orgId)).deleted).toBe(false);
      });

      it('soft-deletes an organization whose only member is the caller: 200 {"message"}, then 404 and unlisted', async () => {
        const org = await createOrg();
        const res = await as(owner).delete(`/api/v2/organizations/${org.id}`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ message: 'Organization has been deleted.' });
        expect((await orgRow(org.id)).deleted).toBe(true);
        expectErrorBody(await as(owner).get(`/api/v2/organizations/${org.id}`), 404);
        expectErrorBody(await as(owner).get(`/api/v2/organizations/${org.name}`), 404);
        expect((await as(owner).get('/api/v2/organizations')).body.map((o: { id: string }) => o.id)).not.toContain(org.id);
        expectErrorBody(await as(owner).delete(`/api/v2/organizations/${org.id}`), 404);
        // Nor does the caller still count as a member of it.
        expect((await as(owner).get('/api/v2/users/me')).body.organization_ids).not.toContain(org.id);
      });

      it('a deleted organization\'s name may be used again', async () => {
        const org = await createOrg();
        expect((await as(owner).delete(`/api/v2/organizations/${org.id}`)).status).toBe(200);
        const again = await as(owner).post('/api/v2/organizations').send({ name: org.name });
        expect(again.status).toBe(201);
        expect(again.body.id).not.toBe(org.id);
      });

      it('refuses while members other than the caller remain, naming how many (400); succeeds once they are gone', async () => {
        const org = await createOrg();
        const a = await createUser(server, owner);
        const b = await createUser(server, owner);
        await addMember(org.id, a);
        await addMember(org.id, b);
        const refused = await as(owner).delete(`/api/v2/organizations/${org.id}`);
        expectErrorBody(refused, 400, 'Cannot delete organization: it still has 2 members other than you. Remove them first.');
        expect((await orgRow(org.id)).deleted).toBe(false);
        expect((await as(owner).delete(`/api/v2/organizations/${org.id}/members/${a.id}`)).status).toBe(204);
        const one = await as(owner).delete(`/api/v2/organizations/${org.id}`);
        expectErrorBody(one, 400, 'Cannot delete organization: it still has 1 member other than you. Remove them first.');
        expect((await as(owner).delete(`/api/v2/organizations/${org.id}/members/${b.id}`)).status).toBe(204);
        expect((await as(owner).delete(`/api/v2/organizations/${org.id}`)).status).toBe(200);
        expect((await orgRow(org.id)).deleted).toBe(true);
      });

      it('refuses while groups other than Everyone remain (400)', async () => {
        const org = await createOrg();
        await server.sql(`INSERT INTO groups (id, name, organization_id) VALUES ($1, 'leftover', $2)`, [randomUUID(), org.id]);
        const res = await as(owner).delete(`/api/v2/organizations/${org.id}`);
        expectErrorBody(res, 400, 'Cannot delete organization: it still has 1 group other than "Everyone". Remove them first.');
        expect((await orgRow(org.id)).deleted).toBe(false);
      });

      it('an organization admin may delete their organization once alone in it; a plain member may not (403); others get 404', async () => {
        const org = await createOrg();
        const admin = await createUser(server, owner);
        const plain = await createUser(server, owner);
        await addMember(org.id, admin, ['organization-admin']);
        await addMember(org.id, plain);
        expectErrorBody(await as(plain).delete(`/api/v2/organizations/${org.id}`), 403);
        expectErrorBody(await as(member).delete(`/api/v2/organizations/${org.id}`), 404);
        // The admin removes everyone else (the creating owner included), then deletes.
        for (const u of [plain.id, owner.id]) expect((await as(admin).delete(`/api/v2/organizations/${org.id}/members/${u}`)).status).toBe(204);
        const res = await as(admin).delete(`/api/v2/organizations/${org.id}`);
        expect(res.status).toBe(200);
        expect((await orgRow(org.id)).deleted).toBe(true);
      });
    });
  });
});

// ---------------------------------------------------------------------------------------------
// RBAC matrix: roles as in libs/rbac (organization create is site-wide, owner only; update and
// delete are also granted to organization-admin in its own organization).

const matrix = defineMatrix(ALL_ACTORS);
const { row } = matrix;

interface Target {
  id: string;
  name: string;
}

/**
 * An organization whose members are the org-admin, org-user-admin and member actors with the same
 * roles they have in the default organization (and nobody else), so that deleting it is allowed.
 */
async function memberedOrg(w: World): Promise<Target> {
  const id = randomUUID();
  const name = orgName('matrix');
  await w.server.sql(`INSERT INTO organizations (id, name, display_name) VALUES ($1, $2, $2)`, [id, name]);
  await w.server.sql(`INSERT INTO groups (id, name, organization_id) VALUES ($1, 'Everyone', $1)`, [id]);
  const roles: Array<[UserActor, string[]]> = [
    ['org-admin', ['organization-admin']],
    ['org-user-admin', ['organization-user-admin']],
    ['member', []],
  ];
  // Through the API, so that the actors' cached sessions learn the membership at once.
  const owner = api(w.server, w.owner.token);
  for (const [actor, r] of roles) {
    const added = await owner.post(`/api/v2/organizations/${id}/members/${w.actors[actor].id}`);
    if (added.status !== 200) throw new Error(`arrange: add member failed: ${added.status} ${JSON.stringify(added.body)}`);
    if (r.length === 0) continue;
    const set = await owner.put(`/api/v2/organizations/${id}/members/${w.actors[actor].id}/roles`).send({ roles: r });
    if (set.status !== 200) throw new Error(`arrange: member roles failed: ${set.status} ${JSON.stringify(set.body)}`);
  }
  return { id, name };
}

const row1 = async (w: World, sql: string, params: unknown[]) => (await w.server.sql(sql, params)).length === 1;

//                                                      owner  user-admin org-admin org-user-admin auditor member other-org anonymous
const ROUTES: Array<RouteCase<World, Target>> = [
  {
    route: 'POST /organizations',
    arrange: async () => ({ id: '', name: orgName('created') }),
    request: (_w, t) => ({ method: 'post', path: '/api/v2/organizations', body: { name: t.name } }),
    happened: (w, t) => row1(w, 'SELECT 1 FROM organizations WHERE name = $1', [t.name]),
    expect: row('2xx', '403', '403', '403', '403', '403', '403', '401'),
  },
  {
    route: 'PATCH /organizations/{organization}',
    arrange: (w) => memberedOrg(w),
    request: (_w, t) => ({ method: 'patch', path: `/api/v2/organizations/${t.id}`, body: { display_name: 'Patched' } }),
    happened: (w, t) => row1(w, `SELECT 1 FROM organizations WHERE id = $1 AND display_name = 'Patched'`, [t.id]),
    expect: row('2xx', '403', '2xx', '403', '403', '403', '404', '401'),
  },
  {
    // Members other than the caller block deletion, so the target has only the acting member.
    route: 'DELETE /organizations/{organization}',
    arrange: async (w, actor) => {
      const target = await memberedOrg(w);
      // Deleting needs the caller to be the only member left: drop the other actors from the target.
      if (actor !== 'anonymous') {
        await w.server.sql('DELETE FROM organization_members WHERE organization_id = $1 AND user_id <> $2', [target.id, w.actors[actor].id]);
      }
      return target;
    },
    request: (_w, t) => ({ method: 'delete', path: `/api/v2/organizations/${t.id}` }),
    happened: (w, t) => row1(w, 'SELECT 1 FROM organizations WHERE id = $1 AND deleted', [t.id]),
    expect: row('2xx', '403', '2xx', '403', '403', '403', '404', '401'),
  },
];

describe('RBAC matrix: multiple organizations', () => {
  let w: World;

  beforeAll(async () => {
    const server = await startServer();
    const owner = await createFirstUser(server);
    await license(server, owner, { multiple_organizations: 1 });
    w = await createWorld(server, owner, ALL_ACTORS);
  });
  afterAll(() => w?.server.close());

  runMatrix(matrix, ROUTES, () => w);
});
