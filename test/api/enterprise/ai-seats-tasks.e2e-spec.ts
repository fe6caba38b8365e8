// AI seats taken by AI tasks (docs/tasks.md "AI seats"): with a license that sets
// ai_governance_user_limit, a member whose task's workspace build completes takes a seat: it shows as
// `has_ai_seat: true` in GET /users and in the organization's member lists, and
// `ai_governance_user_limit.actual` in GET /entitlements grows by one. A second task of the same user
// takes no second seat, and a user with only a workspace that runs no task takes none.
//
// The entitlements are recomputed every CODER_ENTITLEMENTS_REFRESH_INTERVAL (here 100ms), so `actual`
// is awaited with `until`. That it did NOT grow is shown with a sentinel: after the event that must
// not count, another user takes a seat; the first recomputation that counts the sentinel's seat also
// sees everything committed before it, so it must show exactly one more seat.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../../support/fixtures.js';
import { testPublicKeysFile, uploadLicense, validLicense } from '../../support/licenses.js';
import { until } from '../../support/poll.js';
import { createTemplate, waitForBuild } from '../../support/templates.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

const LIMIT = 10;

/** A template that runs AI tasks in app `claude` of its agent. */
const TASK_DOC = {
  ai_task: { app_slug: 'claude' },
  resources: [{ name: 'dev', type: 'docker_container', agents: [{ name: 'main', apps: [{ slug: 'claude', url: 'http://localhost:3284' }] }] }],
};
/** The same machine without an AI task. */
const PLAIN_DOC = {
  resources: [{ name: 'dev', type: 'docker_container', agents: [{ name: 'main', apps: [{ slug: 'code', url: 'http://localhost:8080' }] }] }],
};

interface SeatFlag {
  id?: string;
  user_id?: string;
  username: string;
  has_ai_seat: boolean;
}

describe('AI seats taken by AI tasks', () => {
  let server: TestServer;
  let owner: FirstUser;
  let tasker: TestUser;
  let plain: TestUser;
  let taskVersionId: string;
  let plainTemplateId: string;
  let seq = 0;

  beforeAll(async () => {
    server = await startTestServer({ env: { CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile(), CODER_ENTITLEMENTS_REFRESH_INTERVAL: '100ms' } });
    owner = await createFirstUser(server);
    const license = await uploadLicense(server, owner.token, await validLicense({ ai_governance_user_limit: LIMIT }));
    if (license.status !== 201) throw new Error(`license upload failed: ${license.status} ${JSON.stringify(license.body)}`);
    tasker = await createUser(server, owner, { username: 'tasker' });
    plain = await createUser(server, owner, { username: 'plain' });
    taskVersionId = (await createTemplate(server, owner.token, owner.orgId, 'ai-tasks', TASK_DOC)).active_version_id;
    plainTemplateId = (await createTemplate(server, owner.token, owner.orgId, 'plain', PLAIN_DOC)).id;
  }, 60_000);
  afterAll(() => server?.close());

  const as = (token: string) => api(server, token);

  /** Creates a task as `user` and waits for its workspace's first build to end. */
  async function runTask(user: TestUser) {
    const res = await as(user.token).post('/api/v2/tasks/me').send({ template_version_id: taskVersionId, input: 'Fix the flaky test', name: `task-${++seq}` });
    expect(res.status).toBe(201);
    const ws = await as(user.token).get(`/api/v2/workspaces/${res.body.workspace_id}`);
    const build = await waitForBuild(server, user.token, ws.body.latest_build.id);
    expect({ status: build.status, error: build.job.error }).toEqual({ status: 'running', error: undefined });
  }

  /** The AI governance seat feature as GET /entitlements answers it. */
  async function seatFeature(): Promise<{ entitlement: string; limit: number; actual: number }> {
    const res = await as(owner.token).get('/api/v2/entitlements');
    expect(res.status).toBe(200);
    return res.body.features.ai_governance_user_limit;
  }

  /** Waits for the next recomputations until `actual` is at least `n`; answers the feature then. */
  const seatsReach = (n: number) => until(seatFeature, (f) => f.actual >= n);

  /** username -> has_ai_seat in GET /users, GET /organizations/{org}/members and .../paginated-members. */
  async function seatFlags(): Promise<Record<string, Record<string, boolean>>> {
    const flags = (items: SeatFlag[]) => Object.fromEntries(items.map((x) => [x.username, x.has_ai_seat]));
    const users = await as(owner.token).get('/api/v2/users');
    const members = await as(owner.token).get(`/api/v2/organizations/${owner.orgId}/members`);
    const paginated = await as(owner.token).get(`/api/v2/organizations/${owner.orgId}/paginated-members`);
    expect([users.status, members.status, paginated.status]).toEqual([200, 200, 200]);
    return { users: flags(users.body.users), members: flags(members.body), paginated: flags(paginated.body.members) };
  }
  const everywhere = (seats: Record<string, boolean>) => ({ users: seats, members: seats, paginated: seats });
  const seatRows = (userId: string) => server.sql<{ last_event_type: string }>('SELECT last_event_type FROM ai_seat_state WHERE user_id = $1', [userId]);

  it('before any task: nobody has a seat and the licensed limit counts none', async () => {
    expect(await seatFeature()).toMatchObject({ entitlement: 'entitled', limit: LIMIT, actual: 0 });
    expect(await seatFlags()).toEqual(everywhere({ owner: false, tasker: false, plain: false }));
  });

  it('a member whose task build completes takes a seat: has_ai_seat in user and member lists, and actual grows by one', async () => {
    const before = (await seatFeature()).actual;
    await runTask(tasker);
    expect(await seatRows(tasker.id)).toEqual([{ last_event_type: 'task' }]);
    expect(await seatFlags()).toEqual(everywhere({ owner: false, tasker: true, plain: false }));
    const byId = await as(owner.token).get(`/api/v2/users/${tasker.id}`);
    expect({ status: byId.status, has_ai_seat: byId.body.has_ai_seat }).toEqual({ status: 200, has_ai_seat: true });
    const member = await as(owner.token).get(`/api/v2/organizations/${owner.orgId}/members/${tasker.username}`);
    expect({ status: member.status, has_ai_seat: member.body.has_ai_seat }).toEqual({ status: 200, has_ai_seat: true });
    expect(await seatsReach(before + 1)).toMatchObject({ entitlement: 'entitled', limit: LIMIT, actual: before + 1 });
  });

  it('a second task of the same user takes no second seat', async () => {
    const before = (await seatsReach(1)).actual;
    await runTask(tasker);
    expect(await seatRows(tasker.id)).toEqual([{ last_event_type: 'task' }]);
    expect((await seatFlags()).users.tasker).toBe(true);
    // The sentinel: a user who takes one seat after the second task's build completed.
    const sentinel = await createUser(server, owner);
    await runTask(sentinel);
    expect(await seatsReach(before + 1)).toMatchObject({ actual: before + 1 });
  });

  it('a user with only a workspace that runs no task takes no seat', async () => {
    const before = (await seatsReach(2)).actual;
    const ws = await as(plain.token).post('/api/v2/users/me/workspaces').send({ name: `plain-${++seq}`, template_id: plainTemplateId });
    expect(ws.status).toBe(201);
    const build = await waitForBuild(server, plain.token, ws.body.latest_build.id);
    expect(build.status).toBe('running');
    const latest = await as(plain.token).get(`/api/v2/workspaces/${ws.body.id}`);
    expect(latest.body.latest_build.has_ai_task).toBe(false);
    expect(await seatRows(plain.id)).toEqual([]);
    const flags = await seatFlags();
    expect([flags.users.plain, flags.members.plain, flags.paginated.plain]).toEqual([false, false, false]);
    const sentinel = await createUser(server, owner);
    await runTask(sentinel);
    expect(await seatsReach(before + 1)).toMatchObject({ actual: before + 1 });
    expect((await seatFlags()).users.plain).toBe(false);
  });
});
