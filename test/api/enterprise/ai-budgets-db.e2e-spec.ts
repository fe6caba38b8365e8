// AI budgets in the database (migration 1732800000000-ai-budgets): the override membership rule
// (CHECK user_ai_budget_overrides_must_be_group_member through is_group_member(), the Everyone group
// included), the triggers that end an override when its user leaves the group or the organization,
// and the cascades. Rows are written with SQL; memberships change through the API that changes them.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../../support/fixtures.js';
import { testPublicKeysFile, uploadLicense, validLicense } from '../../support/licenses.js';
import { sqlOrganization } from '../../support/rbac-matrix.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

const MUST_BE_MEMBER = 'user_ai_budget_overrides_must_be_group_member';

interface PgError {
  code?: string;
  constraint?: string;
}

describe('AI budget tables', () => {
  let server: TestServer;
  let owner: FirstUser;
  let otherOrg: string;
  let seq = 0;

  const as = (u: FirstUser) => api(server, u.token);

  /** A group of the default organization with these members, made through the API. */
  async function group(members: TestUser[] = []): Promise<string> {
    const created = await as(owner).post(`/api/v2/organizations/${owner.orgId}/groups`).send({ name: `budget-${++seq}-${randomUUID().slice(0, 8)}` });
    if (created.status !== 201) throw new Error(`create group failed: ${created.status} ${JSON.stringify(created.body)}`);
    if (members.length > 0) {
      const patched = await as(owner).patch(`/api/v2/groups/${created.body.id}`).send({ add_users: members.map((m) => m.id) });
      if (patched.status !== 200) throw new Error(`add members failed: ${patched.status} ${JSON.stringify(patched.body)}`);
    }
    return created.body.id;
  }

  const member = () => createUser(server, owner);

  const insertOverride = (userId: string, groupId: string, limit = 5_000_000) =>
    server.sql('INSERT INTO user_ai_budget_overrides (user_id, group_id, spend_limit_micros) VALUES ($1, $2, $3)', [userId, groupId, limit]);

  const insertBudget = (groupId: string, limit = 10_000_000) =>
    server.sql('INSERT INTO group_ai_budgets (group_id, spend_limit_micros) VALUES ($1, $2)', [groupId, limit]);

  const overrideOf = async (userId: string) =>
    (await server.sql<{ group_id: string; spend_limit_micros: string }>('SELECT group_id, spend_limit_micros FROM user_ai_budget_overrides WHERE user_id = $1', [userId]))[0];

  const budgetOf = async (groupId: string) =>
    (await server.sql<{ spend_limit_micros: string }>('SELECT spend_limit_micros FROM group_ai_budgets WHERE group_id = $1', [groupId]))[0];

  /** The PostgreSQL error a statement fails with (the test fails if it succeeds). */
  async function pgError(statement: Promise<unknown>): Promise<PgError> {
    const err = await statement.then(
      () => undefined,
      (e: unknown) => e as PgError,
    );
    if (!err) throw new Error('expected the statement to fail');
    return { code: err.code, constraint: err.constraint };
  }

  beforeAll(async () => {
    server = await startTestServer({ env: { CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile(), CODER_AIBRIDGE_ENABLED: 'true' } });
    owner = await createFirstUser(server);
    const res = await uploadLicense(server, owner.token, await validLicense({ aibridge: 1, template_rbac: 1 }));
    if (res.status !== 201) throw new Error(`license upload failed: ${res.status} ${JSON.stringify(res.body)}`);
    otherOrg = await sqlOrganization(server, 'budget-other-org');
  });
  afterAll(() => server?.close());

  describe('an override needs the user to be a member of its group', () => {
    it('refuses one attributed to a group the user is not in, with check_violation naming the constraint', async () => {
      const user = await member();
      const g = await group();
      expect(await pgError(insertOverride(user.id, g))).toEqual({ code: '23514', constraint: MUST_BE_MEMBER });
      expect(await overrideOf(user.id)).toBeUndefined();
    });

    it('accepts one attributed to a group the user is in', async () => {
      const user = await member();
      const g = await group([user]);
      await insertOverride(user.id, g, 7);
      expect(await overrideOf(user.id)).toEqual({ group_id: g, spend_limit_micros: '7' });
    });

    it("counts the Everyone group (id = organization id) as membership of the organization's members only", async () => {
      const user = await member();
      await insertOverride(user.id, owner.orgId);
      expect(await overrideOf(user.id)).toEqual({ group_id: owner.orgId, spend_limit_micros: '5000000' });
      // The same user is not in the other organization, so not in its Everyone group.
      const another = await member();
      expect(await pgError(insertOverride(another.id, otherOrg))).toEqual({ code: '23514', constraint: MUST_BE_MEMBER });
    });

    it('holds on UPDATE too: moving an override to a group the user is not in fails and leaves it as it was', async () => {
      const user = await member();
      const g = await group();
      await insertOverride(user.id, owner.orgId);
      const moved = server.sql('UPDATE user_ai_budget_overrides SET group_id = $2 WHERE user_id = $1', [user.id, g]);
      expect(await pgError(moved)).toEqual({ code: '23514', constraint: MUST_BE_MEMBER });
      expect(await overrideOf(user.id)).toEqual({ group_id: owner.orgId, spend_limit_micros: '5000000' });
    });

    it('a deleted user is no member of anything', async () => {
      const user = await member();
      await server.sql('UPDATE users SET deleted = true WHERE id = $1', [user.id]);
      expect(await pgError(insertOverride(user.id, owner.orgId))).toEqual({ code: '23514', constraint: MUST_BE_MEMBER });
    });
  });

  describe('limits and keys', () => {
    it('refuses negative limits (both tables) and accepts 0', async () => {
      const user = await member();
      const g = await group([user]);
      expect(await pgError(insertBudget(g, -1))).toEqual({ code: '23514', constraint: 'group_ai_budgets_spend_limit_micros_check' });
      expect(await pgError(insertOverride(user.id, g, -1))).toEqual({ code: '23514', constraint: 'user_ai_budget_overrides_spend_limit_micros_check' });
      await insertBudget(g, 0);
      await insertOverride(user.id, g, 0);
      expect(await budgetOf(g)).toEqual({ spend_limit_micros: '0' });
      expect(await overrideOf(user.id)).toEqual({ group_id: g, spend_limit_micros: '0' });
    });

    it('keeps one budget per group and one override per user', async () => {
      const user = await member();
      const g = await group([user]);
      await insertBudget(g);
      await insertOverride(user.id, g);
      expect(await pgError(insertBudget(g))).toEqual({ code: '23505', constraint: 'group_ai_budgets_pkey' });
      expect(await pgError(insertOverride(user.id, owner.orgId))).toEqual({ code: '23505', constraint: 'user_ai_budget_overrides_pkey' });
    });
  });

  describe('leaving ends the override', () => {
    it('removing the user from the group (PATCH /groups/{group} remove_users) deletes their override attributed to it, no other', async () => {
      const [leaving, staying] = [await member(), await member()];
      const g = await group([leaving, staying]);
      await insertOverride(leaving.id, g, 1);
      await insertOverride(staying.id, g, 2);
      await insertBudget(g);
      const res = await as(owner).patch(`/api/v2/groups/${g}`).send({ remove_users: [leaving.id] });
      expect(res.status).toBe(200);
      expect(await overrideOf(leaving.id)).toBeUndefined();
      expect(await overrideOf(staying.id)).toEqual({ group_id: g, spend_limit_micros: '2' });
      expect(await budgetOf(g)).toEqual({ spend_limit_micros: '10000000' });
    });

    it('leaving a group leaves an override attributed to another group (Everyone) alone', async () => {
      const user = await member();
      const g = await group([user]);
      await insertOverride(user.id, owner.orgId, 3);
      expect((await as(owner).patch(`/api/v2/groups/${g}`).send({ remove_users: [user.id] })).status).toBe(200);
      expect(await overrideOf(user.id)).toEqual({ group_id: owner.orgId, spend_limit_micros: '3' });
    });

    it('removing the user from the organization deletes an override attributed to its Everyone group', async () => {
      const user = await member();
      await insertOverride(user.id, owner.orgId);
      expect((await as(owner).delete(`/api/v2/organizations/${owner.orgId}/members/${user.id}`)).status).toBe(204);
      expect(await overrideOf(user.id)).toBeUndefined();
    });

    it('removing the user from the organization deletes an override attributed to one of its groups', async () => {
      const user = await member();
      const g = await group([user]);
      await insertOverride(user.id, g);
      expect((await as(owner).delete(`/api/v2/organizations/${owner.orgId}/members/${user.id}`)).status).toBe(204);
      expect(await overrideOf(user.id)).toBeUndefined();
      expect(await server.sql('SELECT 1 FROM group_members WHERE user_id = $1', [user.id])).toEqual([]);
    });

    it('leaving another organization leaves the override alone', async () => {
      const user = await member();
      expect((await as(owner).post(`/api/v2/organizations/${otherOrg}/members/${user.id}`)).status).toBe(200);
      await insertOverride(user.id, owner.orgId, 4);
      expect((await as(owner).delete(`/api/v2/organizations/${otherOrg}/members/${user.id}`)).status).toBe(204);
      expect(await overrideOf(user.id)).toEqual({ group_id: owner.orgId, spend_limit_micros: '4' });
    });
  });

  describe('deletions cascade', () => {
    it('deleting the user row deletes their override', async () => {
      const user = await member();
      const g = await group([user]);
      await insertOverride(user.id, g);
      await server.sql('DELETE FROM users WHERE id = $1', [user.id]);
      expect(await overrideOf(user.id)).toBeUndefined();
    });

    it('deleting the user through the API (soft delete: memberships go) deletes their override', async () => {
      const user = await member();
      await insertOverride(user.id, owner.orgId);
      expect((await as(owner).delete(`/api/v2/users/${user.id}`)).status).toBe(200);
      expect(await server.sql('SELECT deleted FROM users WHERE id = $1', [user.id])).toEqual([{ deleted: true }]);
      expect(await overrideOf(user.id)).toBeUndefined();
    });

    it('deleting the group (DELETE /groups/{group}) deletes its budget and the overrides attributed to it', async () => {
      const [a, b, c] = [await member(), await member(), await member()];
      const g = await group([a, b, c]);
      await insertBudget(g);
      await insertOverride(a.id, g);
      await insertOverride(b.id, g);
      await insertOverride(c.id, owner.orgId, 9);
      expect((await as(owner).delete(`/api/v2/groups/${g}`)).status).toBe(200);
      expect(await budgetOf(g)).toBeUndefined();
      expect(await overrideOf(a.id)).toBeUndefined();
      expect(await overrideOf(b.id)).toBeUndefined();
      expect(await overrideOf(c.id)).toEqual({ group_id: owner.orgId, spend_limit_micros: '9' });
    });

    it('deleting the group row in SQL does the same', async () => {
      const user = await member();
      const g = await group([user]);
      await insertBudget(g);
      await insertOverride(user.id, g);
      await server.sql('DELETE FROM groups WHERE id = $1', [g]);
      expect(await budgetOf(g)).toBeUndefined();
      expect(await overrideOf(user.id)).toBeUndefined();
    });
  });
});
