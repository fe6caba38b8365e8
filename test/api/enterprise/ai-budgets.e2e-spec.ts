// AI budget management (enterprise): group budgets (GET/PUT/DELETE /groups/{group}/ai/budget,
// features template_rbac and aibridge) and per-user overrides (GET/PUT/DELETE
// /users/{user}/ai/budget, feature aibridge), as Coder's enterprise/coderd/aibridge.go (reference §2,
// §7): bodies, validation, 404s, idempotent deletes, audit, the license gates, the enforcer seeing a
// change at once, and an RBAC matrix. The database rules behind them are in ai-budgets-db.e2e-spec.ts.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuditEntry } from '#coderd/audit/auditor.js';
import { captureAudits } from '../../support/audit.js';
import { Pubsub } from '#db/pubsub.js';
import { BudgetEnforcer } from '#enterprise/aibridge/budgets/budget-enforcer.service.js';
import type { GroupAIBudget, UserAIBudgetOverride } from '#sdk/aibridge.js';
import { expectErrorBody } from '../../support/error-body.js';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../../support/fixtures.js';
import { testPublicKeysFile, uploadLicense, validLicense } from '../../support/licenses.js';
import { ALL_ACTORS, createWorld, defineMatrix, runMatrix, sqlOrganization, type Actor as MatrixActor, type RouteCase, type World } from '../../support/rbac-matrix.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

const AIBRIDGE_PREMIUM = 'AI Bridge is a Premium feature. Contact sales!';
const TEMPLATE_RBAC_PREMIUM = 'Template RBAC is a Premium feature. Contact sales!';
const NOT_ENABLED = 'The license entitles this feature, but it is not enabled on this deployment.';
const NOT_FOUND = { message: 'Resource not found or you do not have access to this resource' };
const NOT_A_MEMBER = {
  message: 'User is not a member of the referenced group.',
  validations: [{ field: 'group_id', detail: 'user must be a member of this group' }],
};
const MAX = 1_000_000_000_000;
const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const BUDGET_KEYS = ['created_at', 'group_id', 'spend_limit_micros', 'updated_at'];
const OVERRIDE_KEYS = ['created_at', 'group_id', 'spend_limit_micros', 'updated_at', 'user_id'];

const invalid = (field: string, detail: string) => ({ message: 'Validation failed.', validations: [{ field, detail }] });

const groupBudgetPath = (groupId: string) => `/api/v2/groups/${groupId}/ai/budget`;
const overridePath = (user: string) => `/api/v2/users/${user}/ai/budget`;

type Method = 'get' | 'put' | 'delete';
/** The six routes, with a valid body for PUT (fourth entry always present: see groups.e2e-spec). */
const ROUTES = (groupId: string, user: string, groupForOverride: string): Array<[string, Method, string, object | null]> => [
  ['GET', 'get', groupBudgetPath(groupId), null],
  ['PUT', 'put', groupBudgetPath(groupId), { spend_limit_micros: 1 }],
  ['DELETE', 'delete', groupBudgetPath(groupId), null],
  ['GET', 'get', overridePath(user), null],
  ['PUT', 'put', overridePath(user), { group_id: groupForOverride, spend_limit_micros: 1 }],
  ['DELETE', 'delete', overridePath(user), null],
];

async function call(server: TestServer, token: string | undefined, method: Method, path: string, body: object | null) {
  const req = api(server, token)[method](path);
  return body ? req.send(body) : req;
}

async function license(server: TestServer, owner: FirstUser, features: Record<string, number>): Promise<void> {
  const res = await uploadLicense(server, owner.token, await validLicense(features));
  if (res.status !== 201) throw new Error(`license upload failed: ${res.status} ${JSON.stringify(res.body)}`);
}

describe('AI budgets API', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;
  let outsider: TestUser;
  let otherOrg: string;
  let audits: AuditEntry[];
  let seq = 0;

  const as = (u: TestUser | FirstUser) => api(server, u.token);

  async function group(members: Array<{ id: string }> = [], orgId = owner.orgId): Promise<{ id: string; name: string }> {
    const name = `budget-${++seq}-${randomUUID().slice(0, 8)}`;
    const created = await as(owner).post(`/api/v2/organizations/${orgId}/groups`).send({ name });
    if (created.status !== 201) throw new Error(`create group failed: ${created.status} ${JSON.stringify(created.body)}`);
    if (members.length > 0) {
      const patched = await as(owner).patch(`/api/v2/groups/${created.body.id}`).send({ add_users: members.map((m) => m.id) });
      if (patched.status !== 200) throw new Error(`add members failed: ${patched.status} ${JSON.stringify(patched.body)}`);
    }
    return { id: created.body.id, name };
  }

  const budgetRow = async (groupId: string) =>
    (await server.sql<{ spend_limit_micros: string }>('SELECT spend_limit_micros FROM group_ai_budgets WHERE group_id = $1', [groupId]))[0];
  const overrideRow = async (userId: string) =>
    (await server.sql<{ group_id: string; spend_limit_micros: string }>('SELECT group_id, spend_limit_micros FROM user_ai_budget_overrides WHERE user_id = $1', [userId]))[0];

  beforeAll(async () => {
    server = await startTestServer({ env: { CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile(), CODER_AIBRIDGE_ENABLED: 'true' } });
    owner = await createFirstUser(server);
    member = await createUser(server, owner, { username: 'budget-member' });
    otherOrg = await sqlOrganization(server, 'budget-second-org');
    outsider = await createUser(server, owner, { username: 'budget-outsider', organizationIds: [otherOrg] });
    audits = captureAudits(server);
  });
  afterEach(() => {
    audits.length = 0;
  });
  afterAll(() => server?.close());

  describe('before a license entitles aibridge', () => {
    it('every route answers 403 with the AI Bridge premium message, before looking at the body, and changes nothing', async () => {
      for (const [method, m, path, body] of ROUTES(owner.orgId, member.id, owner.orgId)) {
        const res = await call(server, owner.token, m, path, body && method === 'PUT' ? { ...body, spend_limit_micros: -1, unknown: true } : body);
        expectErrorBody(res, 403, AIBRIDGE_PREMIUM);
        expect({ method, path, body: res.body }).toEqual({ method, path, body: { message: AIBRIDGE_PREMIUM } });
      }
      expect(await server.sql('SELECT 1 FROM group_ai_budgets UNION ALL SELECT 1 FROM user_ai_budget_overrides')).toEqual([]);
    });

    it('anonymous callers get 401 before the license is looked at', async () => {
      for (const [, m, path, body] of ROUTES(owner.orgId, member.id, owner.orgId)) {
        const res = await call(server, undefined, m, path, body);
        expectErrorBody(res, 401);
      }
    });

    it('a template_rbac license alone opens neither the group budget nor the override routes', async () => {
      await license(server, owner, { template_rbac: 1 });
      for (const [, m, path, body] of ROUTES(owner.orgId, member.id, owner.orgId)) {
        expect((await call(server, owner.token, m, path, body)).body).toEqual({ message: AIBRIDGE_PREMIUM });
      }
    });
  });

  describe('with a license for aibridge and template_rbac', () => {
    // template_rbac is already licensed (above); both again so that this block also runs alone.
    beforeAll(() => license(server, owner, { aibridge: 1, template_rbac: 1 }));

    describe('GET, PUT, DELETE /groups/{group}/ai/budget', () => {
      it('PUT creates the budget: 200 with exactly {group_id, spend_limit_micros, created_at, updated_at}', async () => {
        const g = await group();
        const res = await as(owner).put(groupBudgetPath(g.id)).send({ spend_limit_micros: 25_000_000 });
        expect(res.status).toBe(200);
        expect(Object.keys(res.body).sort()).toEqual(BUDGET_KEYS);
        const body = res.body as GroupAIBudget;
        expect(body).toEqual({ group_id: g.id, spend_limit_micros: 25_000_000, created_at: expect.stringMatching(TIME_RE), updated_at: body.created_at });
        expect(await budgetRow(g.id)).toEqual({ spend_limit_micros: '25000000' });
      });

      it('GET answers the same body; PUT again replaces the limit, keeps created_at and moves updated_at', async () => {
        const g = await group();
        const first = (await as(owner).put(groupBudgetPath(g.id)).send({ spend_limit_micros: 1 })).body as GroupAIBudget;
        const got = await as(owner).get(groupBudgetPath(g.id));
        expect(got.status).toBe(200);
        expect(got.body).toEqual(first);
        const second = await as(owner).put(groupBudgetPath(g.id)).send({ spend_limit_micros: 2 });
        expect(second.status).toBe(200);
        expect(second.body).toEqual({ group_id: g.id, spend_limit_micros: 2, created_at: first.created_at, updated_at: expect.stringMatching(TIME_RE) });
        expect(second.body.updated_at > first.updated_at).toBe(true);
        expect((await as(owner).get(groupBudgetPath(g.id))).body).toEqual(second.body);
      });

      it('accepts 0 (blocks all spend) and exactly 1,000,000,000,000 micros', async () => {
        const g = await group();
        for (const limit of [0, MAX]) {
          const res = await as(owner).put(groupBudgetPath(g.id)).send({ spend_limit_micros: limit });
          expect({ status: res.status, limit: res.body.spend_limit_micros }).toEqual({ status: 200, limit });
          expect(await budgetRow(g.id)).toEqual({ spend_limit_micros: String(limit) });
        }
      });

      it.each([
        ['missing', {}, 'Spend limit is required.'],
        ['null', { spend_limit_micros: null }, 'Spend limit is required.'],
        ['negative', { spend_limit_micros: -1 }, 'Must be 0 or more (0 blocks all spend).'],
        ['over the cap', { spend_limit_micros: MAX + 1 }, `Must be at most ${MAX} (1,000,000 units of currency).`],
        ['fractional', { spend_limit_micros: 1.5 }, 'Must be an integer number of micros.'],
        ['a string', { spend_limit_micros: '100' }, 'Must be an integer number of micros.'],
      ])('PUT refuses a %s spend_limit_micros with 400 naming the field, and stores nothing', async (_case, body, detail) => {
        const g = await group();
        const res = await as(owner).put(groupBudgetPath(g.id)).send(body);
        expectErrorBody(res, 400, 'Validation failed.');
        expect(res.body).toEqual(invalid('spend_limit_micros', detail));
        expect(await budgetRow(g.id)).toBeUndefined();
      });

      it('PUT refuses unknown fields', async () => {
        const g = await group();
        const res = await as(owner).put(groupBudgetPath(g.id)).send({ spend_limit_micros: 5, group_id: g.id });
        expect(res.body).toEqual(invalid('group_id', 'Unknown field "group_id".'));
        expect(res.status).toBe(400);
      });

      it('GET answers 404 for a group without a budget, and after DELETE', async () => {
        const g = await group();
        const none = await as(owner).get(groupBudgetPath(g.id));
        expectErrorBody(none, 404);
        expect(none.body).toEqual(NOT_FOUND);
        await as(owner).put(groupBudgetPath(g.id)).send({ spend_limit_micros: 3 });
        const deleted = await as(owner).delete(groupBudgetPath(g.id));
        expect(deleted.status).toBe(204);
        expect(deleted.text).toBe('');
        expect(await budgetRow(g.id)).toBeUndefined();
        expect((await as(owner).get(groupBudgetPath(g.id))).body).toEqual(NOT_FOUND);
      });

      it('DELETE is idempotent: 204 again, and 204 for a group that never had a budget', async () => {
        const g = await group();
        await as(owner).put(groupBudgetPath(g.id)).send({ spend_limit_micros: 3 });
        expect((await as(owner).delete(groupBudgetPath(g.id))).status).toBe(204);
        expect((await as(owner).delete(groupBudgetPath(g.id))).status).toBe(204);
        const never = await group();
        expect((await as(owner).delete(groupBudgetPath(never.id))).status).toBe(204);
      });

      it.each([['GET', 'get'], ['PUT', 'put'], ['DELETE', 'delete']] as const)(
        '%s answers 404 for an unknown group and 400 for a group that is not a UUID',
        async (_method, m) => {
          const body = m === 'put' ? { spend_limit_micros: 1 } : null;
          const unknown = await call(server, owner.token, m, groupBudgetPath(randomUUID()), body);
          expect(unknown.body).toEqual(NOT_FOUND);
          expect(unknown.status).toBe(404);
          const notUuid = await call(server, owner.token, m, groupBudgetPath('not-a-uuid'), body);
          expectErrorBody(notUuid, 400, 'Invalid UUID "not-a-uuid".');
          expect(notUuid.body).toEqual({ message: 'Invalid UUID "not-a-uuid".', detail: 'The group must be given by its id.' });
        },
      );

      it('works on the Everyone group (id = organization id)', async () => {
        const res = await as(owner).put(groupBudgetPath(owner.orgId)).send({ spend_limit_micros: 9 });
        expect(res.status).toBe(200);
        expect(res.body.group_id).toBe(owner.orgId);
        expect((await as(member).get(groupBudgetPath(owner.orgId))).body.spend_limit_micros).toBe(9);
        expect((await as(owner).delete(groupBudgetPath(owner.orgId))).status).toBe(204);
      });

      it('members of the group may read its budget; other members get 404; neither may change it', async () => {
        const mine = await group([member]);
        const notMine = await group();
        for (const g of [mine, notMine]) await as(owner).put(groupBudgetPath(g.id)).send({ spend_limit_micros: 4 });
        const read = await as(member).get(groupBudgetPath(mine.id));
        expect(read.status).toBe(200);
        expect(read.body).toMatchObject({ group_id: mine.id, spend_limit_micros: 4 });
        expect((await as(member).get(groupBudgetPath(notMine.id))).body).toEqual(NOT_FOUND);
        expectErrorBody(await as(member).put(groupBudgetPath(mine.id)).send({ spend_limit_micros: 5 }), 403, 'Forbidden.');
        expectErrorBody(await as(member).delete(groupBudgetPath(mine.id)), 403, 'Forbidden.');
        expectErrorBody(await as(member).put(groupBudgetPath(notMine.id)).send({ spend_limit_micros: 5 }), 404);
        expectErrorBody(await as(member).delete(groupBudgetPath(notMine.id)), 404);
        expect(await budgetRow(mine.id)).toEqual({ spend_limit_micros: '4' });
        expect(await budgetRow(notMine.id)).toEqual({ spend_limit_micros: '4' });
      });

      it('audits PUT (write, with old and new limit) and DELETE (delete) against the group; a DELETE that removes nothing is not audited', async () => {
        const g = await group();
        await as(owner).put(groupBudgetPath(g.id)).send({ spend_limit_micros: 10 });
        await as(owner).put(groupBudgetPath(g.id)).send({ spend_limit_micros: 20 });
        await as(owner).delete(groupBudgetPath(g.id));
        await as(owner).delete(groupBudgetPath(g.id));
        const entry = { resource_type: 'group_ai_budget', resource_id: g.id, resource_target: g.name, user_id: owner.id, organization_id: owner.orgId };
        expect(audits.filter((a) => a.resource_type === 'group_ai_budget')).toEqual([
          { ...entry, action: 'write', additional_fields: { old_spend_limit_micros: null, spend_limit_micros: 10 } },
          { ...entry, action: 'write', additional_fields: { old_spend_limit_micros: 10, spend_limit_micros: 20 } },
          { ...entry, action: 'delete', additional_fields: { old_spend_limit_micros: 20, spend_limit_micros: null } },
        ]);
      });

      it('refused and invalid writes (of budgets and overrides) are not audited', async () => {
        const g = await group([member]);
        audits.length = 0;
        expect((await as(member).put(groupBudgetPath(g.id)).send({ spend_limit_micros: 1 })).status).toBe(403);
        expect((await as(owner).put(groupBudgetPath(g.id)).send({ spend_limit_micros: -1 })).status).toBe(400);
        expect((await as(owner).put(overridePath(outsider.id)).send({ group_id: g.id, spend_limit_micros: 1 })).status).toBe(400);
        expect((await as(member).delete(groupBudgetPath(g.id))).status).toBe(403);
        expect(audits).toEqual([]);
      });
    });

    describe('GET, PUT, DELETE /users/{user}/ai/budget', () => {
      it('PUT creates the override: 200 with exactly {user_id, group_id, spend_limit_micros, created_at, updated_at}', async () => {
        const user = await createUser(server, owner);
        const g = await group([user]);
        const res = await as(owner).put(overridePath(user.id)).send({ group_id: g.id, spend_limit_micros: 3_000_000 });
        expect(res.status).toBe(200);
        expect(Object.keys(res.body).sort()).toEqual(OVERRIDE_KEYS);
        const body = res.body as UserAIBudgetOverride;
        expect(body).toEqual({
          user_id: user.id,
          group_id: g.id,
          spend_limit_micros: 3_000_000,
          created_at: expect.stringMatching(TIME_RE),
          updated_at: body.created_at,
        });
        expect(await overrideRow(user.id)).toEqual({ group_id: g.id, spend_limit_micros: '3000000' });
      });

      it('GET answers the same body by id, by username and as `me`', async () => {
        const user = await createUser(server, owner);
        const put = (await as(owner).put(overridePath(user.username)).send({ group_id: owner.orgId, spend_limit_micros: 0 })).body;
        expect(put).toMatchObject({ user_id: user.id, group_id: owner.orgId, spend_limit_micros: 0 });
        for (const [who, path] of [[owner, overridePath(user.id)], [owner, overridePath(user.username)], [user, overridePath('me')]] as const) {
          const res = await as(who).get(path);
          expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 200, body: put });
        }
      });

      it('PUT again moves the override to another group and limit, keeping created_at', async () => {
        const user = await createUser(server, owner);
        const g = await group([user]);
        const first = (await as(owner).put(overridePath(user.id)).send({ group_id: owner.orgId, spend_limit_micros: 1 })).body as UserAIBudgetOverride;
        const second = await as(owner).put(overridePath(user.id)).send({ group_id: g.id.toUpperCase(), spend_limit_micros: MAX });
        expect(second.status).toBe(200);
        expect(second.body).toEqual({ user_id: user.id, group_id: g.id, spend_limit_micros: MAX, created_at: first.created_at, updated_at: expect.stringMatching(TIME_RE) });
        expect(second.body.updated_at > first.updated_at).toBe(true);
        expect(await overrideRow(user.id)).toEqual({ group_id: g.id, spend_limit_micros: String(MAX) });
      });

      it("PUT with a group the user is not in answers Coder's 400 on group_id and changes nothing", async () => {
        const user = await createUser(server, owner);
        const g = await group();
        await as(owner).put(overridePath(user.id)).send({ group_id: owner.orgId, spend_limit_micros: 8 });
        for (const groupId of [g.id, otherOrg]) {
          const res = await as(owner).put(overridePath(user.id)).send({ group_id: groupId, spend_limit_micros: 1 });
          expectErrorBody(res, 400, NOT_A_MEMBER.message);
          expect(res.body).toEqual(NOT_A_MEMBER);
        }
        expect(await overrideRow(user.id)).toEqual({ group_id: owner.orgId, spend_limit_micros: '8' });
      });

      it.each([
        ['group_id missing', () => ({ spend_limit_micros: 1 }), 'group_id', 'Group ID is required.'],
        ['group_id not a UUID', () => ({ group_id: 'everyone', spend_limit_micros: 1 }), 'group_id', 'Must be a group UUID.'],
        ['group_id a number', () => ({ group_id: 7, spend_limit_micros: 1 }), 'group_id', 'Must be a group UUID.'],
        ['spend_limit_micros missing', (org: string) => ({ group_id: org }), 'spend_limit_micros', 'Spend limit is required.'],
        ['spend_limit_micros negative', (org: string) => ({ group_id: org, spend_limit_micros: -5 }), 'spend_limit_micros', 'Must be 0 or more (0 blocks all spend).'],
        [
          'spend_limit_micros over the cap',
          (org: string) => ({ group_id: org, spend_limit_micros: MAX + 1 }),
          'spend_limit_micros',
          `Must be at most ${MAX} (1,000,000 units of currency).`,
        ],
        ['spend_limit_micros fractional', (org: string) => ({ group_id: org, spend_limit_micros: 0.5 }), 'spend_limit_micros', 'Must be an integer number of micros.'],
      ])('PUT with %s answers 400 naming the field', async (_case, body, field, detail) => {
        const user = await createUser(server, owner);
        const res = await as(owner).put(overridePath(user.id)).send(body(owner.orgId));
        expectErrorBody(res, 400, 'Validation failed.');
        expect(res.body).toEqual(invalid(field, detail));
        expect(await overrideRow(user.id)).toBeUndefined();
      });

      it('PUT with both fields wrong names both', async () => {
        const res = await as(owner).put(overridePath(member.id)).send({ group_id: 'x', spend_limit_micros: -1 });
        expect(res.status).toBe(400);
        expect(res.body.validations.map((v: { field: string }) => v.field).sort()).toEqual(['group_id', 'spend_limit_micros']);
      });

      it('PUT with an unknown group, or one the caller cannot read, answers 404', async () => {
        const unknown = await as(owner).put(overridePath(member.id)).send({ group_id: randomUUID(), spend_limit_micros: 1 });
        expect(unknown.body).toEqual(NOT_FOUND);
        expect(unknown.status).toBe(404);
        // An organization admin of the default organization cannot see the second organization's groups.
        const orgAdmin = await createUser(server, owner, { orgRoles: ['organization-admin'] });
        const hidden = await group([], otherOrg);
        const res = await as(orgAdmin).put(overridePath(member.id)).send({ group_id: hidden.id, spend_limit_micros: 1 });
        expect(res.body).toEqual(NOT_FOUND);
        expect(res.status).toBe(404);
      });

      it('GET answers 404 for a user without an override, and for an unknown user', async () => {
        const user = await createUser(server, owner);
        expect((await as(owner).get(overridePath(user.id))).body).toEqual(NOT_FOUND);
        expect((await as(user).get(overridePath('me'))).body).toEqual(NOT_FOUND);
        for (const who of [randomUUID(), 'nobody-at-all']) {
          const res = await as(owner).get(overridePath(who));
          expectErrorBody(res, 404);
        }
        expectErrorBody(await as(owner).put(overridePath(randomUUID())).send({ group_id: owner.orgId, spend_limit_micros: 1 }), 404);
        expectErrorBody(await as(owner).delete(overridePath(randomUUID())), 404);
      });

      it('DELETE removes the override (204, then GET 404) and is idempotent', async () => {
        const user = await createUser(server, owner);
        await as(owner).put(overridePath(user.id)).send({ group_id: owner.orgId, spend_limit_micros: 1 });
        const res = await as(owner).delete(overridePath(user.username));
        expect(res.status).toBe(204);
        expect(res.text).toBe('');
        expect(await overrideRow(user.id)).toBeUndefined();
        expect((await as(owner).get(overridePath(user.id))).body).toEqual(NOT_FOUND);
        expect((await as(owner).delete(overridePath(user.id))).status).toBe(204);
      });

      it("DELETE needs update on the override's group: without it the override stays", async () => {
        // user-admin may update users and groups everywhere; an org-admin may update groups but not users.
        const user = await createUser(server, owner);
        await as(owner).put(overridePath(user.id)).send({ group_id: owner.orgId, spend_limit_micros: 6 });
        const orgAdmin = await createUser(server, owner, { orgRoles: ['organization-admin'] });
        expectErrorBody(await as(orgAdmin).delete(overridePath(user.id)), 403, 'Forbidden.');
        expect(await overrideRow(user.id)).toEqual({ group_id: owner.orgId, spend_limit_micros: '6' });
      });

      it('a plain member may read their own override but not set or remove it', async () => {
        const user = await createUser(server, owner);
        await as(owner).put(overridePath(user.id)).send({ group_id: owner.orgId, spend_limit_micros: 2 });
        expect((await as(user).get(overridePath('me'))).status).toBe(200);
        expectErrorBody(await as(user).put(overridePath('me')).send({ group_id: owner.orgId, spend_limit_micros: MAX }), 403, 'Forbidden.');
        expectErrorBody(await as(user).delete(overridePath('me')), 403, 'Forbidden.');
        expectErrorBody(await as(user).get(overridePath(member.id)), 404);
        expect(await overrideRow(user.id)).toEqual({ group_id: owner.orgId, spend_limit_micros: '2' });
      });

      it('audits PUT (write) and DELETE (delete) against the user, with the groups and limits before and after', async () => {
        const user = await createUser(server, owner);
        const g = await group([user]);
        await as(owner).put(overridePath(user.id)).send({ group_id: owner.orgId, spend_limit_micros: 1 });
        await as(owner).put(overridePath(user.id)).send({ group_id: g.id, spend_limit_micros: 2 });
        await as(owner).delete(overridePath(user.id));
        await as(owner).delete(overridePath(user.id));
        const entry = { resource_type: 'user_ai_budget_override', resource_id: user.id, resource_target: user.username, user_id: owner.id, organization_id: owner.orgId };
        const everyone = 'Everyone';
        expect(audits.filter((a) => a.resource_type === 'user_ai_budget_override')).toEqual([
          {
            ...entry,
            action: 'write',
            additional_fields: { group_name: everyone, old_group_id: null, old_spend_limit_micros: null, group_id: owner.orgId, spend_limit_micros: 1 },
          },
          {
            ...entry,
            action: 'write',
            additional_fields: { group_name: g.name, old_group_id: owner.orgId, old_spend_limit_micros: 1, group_id: g.id, spend_limit_micros: 2 },
          },
          {
            ...entry,
            action: 'delete',
            additional_fields: { group_name: g.name, old_group_id: g.id, old_spend_limit_micros: 2, group_id: null, spend_limit_micros: null },
          },
        ]);
      });
    });

    describe('the gateway sees every change at once', () => {
      let enforcer: BudgetEnforcer;
      beforeAll(() => {
        enforcer = server.app.get(BudgetEnforcer);
      });

      /** Whether a free request (estimate 0) is admitted now; a limit of 0 refuses even that. */
      async function admitted(userId: string): Promise<boolean> {
        try {
          enforcer.settle(await enforcer.reserve(userId, 0), 0);
          return true;
        } catch (err) {
          expect((err as { status?: number }).status).toBe(403);
          return false;
        }
      }

      it('group budgets and overrides, set and removed, apply to the next request (the cached state is dropped)', async () => {
        const user = await createUser(server, owner);
        const g = await group([user]);
        expect(await admitted(user.id)).toBe(true); // Loaded and cached: no budget.
        await as(owner).put(groupBudgetPath(g.id)).send({ spend_limit_micros: 0 });
        expect(await admitted(user.id)).toBe(false);
        await as(owner).put(overridePath(user.id)).send({ group_id: g.id, spend_limit_micros: 1_000_000 });
        expect(await admitted(user.id)).toBe(true);
        await as(owner).put(overridePath(user.id)).send({ group_id: g.id, spend_limit_micros: 0 });
        expect(await admitted(user.id)).toBe(false);
        await as(owner).delete(overridePath(user.id));
        expect(await admitted(user.id)).toBe(false); // The group's 0 again.
        await as(owner).put(groupBudgetPath(g.id)).send({ spend_limit_micros: 1_000_000 });
        expect(await admitted(user.id)).toBe(true);
        await as(owner).put(groupBudgetPath(g.id)).send({ spend_limit_micros: 0 });
        expect(await admitted(user.id)).toBe(false);
        await as(owner).delete(groupBudgetPath(g.id));
        expect(await admitted(user.id)).toBe(true);
      });

      it('the database announces whose budget changed (or everyone\'s); a refused change announces nothing', async () => {
        const g = await group([member]);
        // Another replica's view: what it hears on the channel the enforcer listens to.
        const replica = new Pubsub(server.databaseUrl);
        await replica.start();
        const heard: string[] = [];
        try {
          await replica.subscribe('aibridge_budgets', (payload) => heard.push(payload));
          expect((await as(member).put(groupBudgetPath(g.id)).send({ spend_limit_micros: 1 })).status).toBe(403);
          expect((await as(owner).put(overridePath(outsider.id)).send({ group_id: g.id, spend_limit_micros: 1 })).status).toBe(400);
          await replica.barrier();
          expect(heard).toEqual([]);
          await as(owner).put(overridePath(member.id)).send({ group_id: g.id, spend_limit_micros: 1 });
          await replica.barrier();
          expect(heard).toEqual([member.id]);
          await as(owner).delete(overridePath(member.id));
          await as(owner).put(groupBudgetPath(g.id)).send({ spend_limit_micros: 1 });
          await replica.barrier();
          expect(heard).toEqual([member.id, member.id, '']);
        } finally {
          await replica.close();
        }
      });
    });

    describe('RBAC', () => {
      /** A target user or group id (none for anonymous's own), the limit the case sets, and the override's group. */
      type Target = { id?: string; limit: number; group?: string };
      type W = World & { target: TestUser; targetGroup: string; memberGroup: string; otherGroup: string };
      let w: W;
      const matrix = defineMatrix(ALL_ACTORS);
      const row = matrix.row;
      const limit = () => 1000 + ++seq;

      const setOverride = (userId: string, groupId: string, micros: number) =>
        server.sql(
          `INSERT INTO user_ai_budget_overrides (user_id, group_id, spend_limit_micros) VALUES ($1, $2, $3)
           ON CONFLICT (user_id) DO UPDATE SET group_id = EXCLUDED.group_id, spend_limit_micros = EXCLUDED.spend_limit_micros`,
          [userId, groupId, micros],
        );
      const setBudget = (groupId: string, micros: number) =>
        server.sql(
          `INSERT INTO group_ai_budgets (group_id, spend_limit_micros) VALUES ($1, $2)
           ON CONFLICT (group_id) DO UPDATE SET spend_limit_micros = EXCLUDED.spend_limit_micros`,
          [groupId, micros],
        );
      const overrideIs = async (userId: string | undefined, micros: number) =>
        !!userId && (await overrideRow(userId))?.spend_limit_micros === String(micros);
      const budgetIs = async (groupId: string, micros: number) => (await budgetRow(groupId))?.spend_limit_micros === String(micros);
      const actorId = (world: W, actor: MatrixActor) => (actor === 'anonymous' ? undefined : world.actors[actor].id);
      /** The Everyone group of the actor's organization. */
      const actorOrg = (world: W, actor: MatrixActor) => (actor === 'other-org-member' ? world.otherOrg! : world.defaultOrg);

      const routes: Array<RouteCase<W, Target>> = [
        // ---- someone else's override (a member of the default organization, in a group of it) ----
        {
          route: 'GET /users/{other}/ai/budget',
          arrange: async (world) => {
            const micros = limit();
            await setOverride(world.target.id, world.targetGroup, micros);
            return { id: world.target.id, limit: micros };
          },
          request: (_world, t) => ({ method: 'get', path: overridePath(t.id!) }),
          check: (res, t, outcome) => {
            if (outcome.startsWith('2')) expect(res.body).toMatchObject({ user_id: t.id, spend_limit_micros: t.limit });
          },
          expect: row('200', '200', '200', '200', '200', '404', '404', '401'),
        },
        {
          route: 'PUT /users/{other}/ai/budget',
          arrange: async (world) => {
            await server.sql('DELETE FROM user_ai_budget_overrides WHERE user_id = $1', [world.target.id]);
            return { id: world.target.id, limit: limit() };
          },
          request: (world, t) => ({ method: 'put', path: overridePath(t.id!), body: { group_id: world.targetGroup, spend_limit_micros: t.limit } }),
          happened: (_world, t) => overrideIs(t.id, t.limit),
          expect: row('200', '200', '403', '403', '403', '404', '404', '401'),
        },
        {
          route: 'DELETE /users/{other}/ai/budget',
          arrange: async (world) => {
            const micros = limit();
            await setOverride(world.target.id, world.targetGroup, micros);
            return { id: world.target.id, limit: micros };
          },
          request: (_world, t) => ({ method: 'delete', path: overridePath(t.id!) }),
          happened: async (_world, t) => !(await overrideRow(t.id!)),
          expect: row('204', '204', '403', '403', '403', '404', '404', '401'),
        },
        // ---- one's own override (attributed to the Everyone group of one's organization) ----
        {
          route: 'GET /users/me/ai/budget',
          arrange: async (world, actor) => {
            const micros = limit();
            const id = actorId(world, actor);
            if (id) await setOverride(id, actorOrg(world, actor), micros);
            return { id, limit: micros };
          },
          request: () => ({ method: 'get', path: overridePath('me') }),
          check: (res, t, outcome) => {
            if (outcome.startsWith('2')) expect(res.body).toMatchObject({ user_id: t.id, spend_limit_micros: t.limit });
          },
          expect: row('200', '200', '200', '200', '200', '200', '200', '401'),
        },
        {
          route: 'PUT /users/me/ai/budget',
          arrange: async (world, actor) => {
            const id = actorId(world, actor);
            if (id) await server.sql('DELETE FROM user_ai_budget_overrides WHERE user_id = $1', [id]);
            return { id, limit: limit(), group: actorOrg(world, actor) };
          },
          request: (_world, t) => ({ method: 'put', path: overridePath('me'), body: { group_id: t.group, spend_limit_micros: t.limit } }),
          happened: (_world, t) => overrideIs(t.id, t.limit),
          expect: row('200', '200', '403', '403', '403', '403', '403', '401'),
        },
        {
          route: 'DELETE /users/me/ai/budget',
          arrange: async (world, actor) => {
            const micros = limit();
            const id = actorId(world, actor);
            if (id) await setOverride(id, actorOrg(world, actor), micros);
            return { id, limit: micros };
          },
          request: () => ({ method: 'delete', path: overridePath('me') }),
          happened: async (_world, t) => !!t.id && !(await overrideRow(t.id)),
          expect: row('204', '204', '403', '403', '403', '403', '403', '401'),
        },
        // ---- a group budget (the group has `member` in it) ----
        {
          route: 'GET /groups/{group}/ai/budget (a group the member is in)',
          arrange: async (world) => {
            const micros = limit();
            await setBudget(world.memberGroup, micros);
            return { id: world.memberGroup, limit: micros };
          },
          request: (_world, t) => ({ method: 'get', path: groupBudgetPath(t.id!) }),
          check: (res, t, outcome) => {
            if (outcome.startsWith('2')) expect(res.body).toMatchObject({ group_id: t.id, spend_limit_micros: t.limit });
          },
          expect: row('200', '200', '200', '200', '200', '200', '404', '401'),
        },
        {
          route: 'GET /groups/{group}/ai/budget (a group the member is not in)',
          arrange: async (world) => {
            const micros = limit();
            await setBudget(world.otherGroup, micros);
            return { id: world.otherGroup, limit: micros };
          },
          request: (_world, t) => ({ method: 'get', path: groupBudgetPath(t.id!) }),
          expect: row('200', '200', '200', '200', '200', '404', '404', '401'),
        },
        {
          route: 'PUT /groups/{group}/ai/budget',
          arrange: async (world) => {
            await server.sql('DELETE FROM group_ai_budgets WHERE group_id = $1', [world.memberGroup]);
            return { id: world.memberGroup, limit: limit() };
          },
          request: (_world, t) => ({ method: 'put', path: groupBudgetPath(t.id!), body: { spend_limit_micros: t.limit } }),
          happened: (_world, t) => budgetIs(t.id!, t.limit),
          expect: row('200', '200', '200', '200', '403', '403', '404', '401'),
        },
        {
          route: 'DELETE /groups/{group}/ai/budget',
          arrange: async (world) => {
            const micros = limit();
            await setBudget(world.memberGroup, micros);
            return { id: world.memberGroup, limit: micros };
          },
          request: (_world, t) => ({ method: 'delete', path: groupBudgetPath(t.id!) }),
          happened: async (_world, t) => !(await budgetRow(t.id!)),
          expect: row('204', '204', '204', '204', '403', '403', '404', '401'),
        },
      ];

      beforeAll(async () => {
        const world = await createWorld(server, owner, ALL_ACTORS);
        const target = await createUser(server, owner);
        const targetGroup = (await group([target])).id;
        const memberGroup = (await group([world.actors.member])).id;
        const otherGroup = (await group([target])).id;
        w = { ...world, target, targetGroup, memberGroup, otherGroup };
      });

      runMatrix(matrix, routes, () => w);
    });
  });

  describe('with aibridge but without template_rbac', () => {
    let server2: TestServer;
    let owner2: FirstUser;
    beforeAll(async () => {
      server2 = await startTestServer({ env: { CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile(), CODER_AIBRIDGE_ENABLED: 'true' } });
      owner2 = await createFirstUser(server2);
      await license(server2, owner2, { aibridge: 1 });
    });
    afterAll(() => server2?.close());
    const as2 = () => api(server2, owner2.token);

    it('the group budget routes answer 403 with the Template RBAC premium message, before looking at the body', async () => {
      for (const [method, m, path, body] of ROUTES(owner2.orgId, owner2.id, owner2.orgId).slice(0, 3)) {
        const res = await call(server2, owner2.token, m, path, method === 'PUT' ? { spend_limit_micros: 'bad' } : body);
        expectErrorBody(res, 403, TEMPLATE_RBAC_PREMIUM);
        expect(res.body).toEqual({ message: TEMPLATE_RBAC_PREMIUM });
      }
      expect(await server2.sql('SELECT 1 FROM group_ai_budgets')).toEqual([]);
    });

    it('the override routes work (they need aibridge only)', async () => {
      const put = await as2().put(overridePath('me')).send({ group_id: owner2.orgId, spend_limit_micros: 1 });
      expect(put.status).toBe(200);
      expect((await as2().get(overridePath('me'))).body).toEqual(put.body);
      expect((await as2().delete(overridePath('me'))).status).toBe(204);
    });
  });

  describe('with an aibridge license but CODER_AIBRIDGE_ENABLED unset', () => {
    let server3: TestServer;
    let owner3: FirstUser;
    beforeAll(async () => {
      server3 = await startTestServer({ env: { CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile() } });
      owner3 = await createFirstUser(server3);
      await license(server3, owner3, { aibridge: 1, template_rbac: 1 });
    });
    afterAll(() => server3?.close());

    it('every route answers 403 saying the feature is not enabled here', async () => {
      for (const [method, m, path, body] of ROUTES(owner3.orgId, owner3.id, owner3.orgId)) {
        const res = await call(server3, owner3.token, m, path, body);
        expect({ method, path, status: res.status, body: res.body }).toEqual({ method, path, status: 403, body: { message: AIBRIDGE_PREMIUM, detail: NOT_ENABLED } });
      }
    });
  });
});
