// The audit log and the connection log (licensed: audit_log, connection_log): gate, RBAC, Coder's query
// syntax, capped counts, and the rows the server writes (a license upload, agents' sessions).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { asAgent, runningWorkspace } from '../../support/agents.js';
import { expectErrorBody } from '../../support/error-body.js';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../../support/fixtures.js';
import { testPublicKeysFile } from '../../support/licenses.js';
import { auditLogs, licensedLogsServer } from '../../support/logs.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

describe('audit and connection logs unlicensed', () => {
  let server: TestServer;
  let owner: FirstUser;
  beforeAll(async () => {
    server = await startTestServer({ env: { CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile() } });
    owner = await createFirstUser(server);
  });
  afterAll(() => server.close());

  it('both logs answer 403 until a license entitles them, and nothing is written meanwhile', async () => {
    for (const path of ['/api/v2/audit', '/api/v2/connectionlog']) {
      const res = await api(server, owner.token).get(path);
      expect(res.status).toBe(403);
    }
    await createUser(server, owner);
    expect(await server.sql('SELECT id FROM audit_logs')).toEqual([]);
  });
});

describe('audit log', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;
  let auditor: TestUser;

  beforeAll(async () => {
    ({ server, owner } = await licensedLogsServer());
    member = await createUser(server, owner);
    auditor = await createUser(server, owner, { siteRoles: ['auditor'] });
  });
  afterAll(() => server.close());

  /** Seeds `n` rows of one resource type at one-second steps back from `start` (generate_series, as the bench does). */
  async function seed(n: number, resourceType: string, userId: string, start = '2026-01-15T12:00:00Z'): Promise<void> {
    await server.sql(
      `INSERT INTO audit_logs (id, "time", user_id, resource_type, resource_id, resource_target, action, status_code, request_id)
       SELECT gen_random_uuid(), $1::timestamptz - make_interval(secs => g), $2, $3, gen_random_uuid(), 'seeded-' || g, 'write', 200, gen_random_uuid()
       FROM generate_series(1, $4) g`,
      [start, userId, resourceType, n],
    );
  }

  it('the license upload that enabled the log is its first row: who, from where, the status, a diff', async () => {
    const { audit_logs } = await auditLogs(server, owner.token, 'resource_type:license');
    expect(audit_logs).toHaveLength(1);
    const [row] = audit_logs;
    expect(row).toMatchObject({ action: 'create', status_code: 201, ip: '127.0.0.1', description: '{user} created license {target}', is_deleted: false });
    expect(row.user?.id).toBe(owner.id);
    expect(row.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row.diff.uuid).toEqual({ old: null, new: row.resource_id, secret: false });
  });

  it('owners and auditors read it; members get 403', async () => {
    expect((await auditLogs(server, auditor.token)).count).toBeGreaterThan(0);
    const res = await api(server, member.token).get('/api/v2/audit');
    expect(res.status).toBe(403);
  });

  it('count stops at the cap plus one, count_cap says where, and the page is the newest first', async () => {
    await seed(2100, 'template', member.id);
    const body = await auditLogs(server, owner.token, 'resource_type:template', { limit: '25' });
    expect(body.count).toBe(2001);
    expect(body.count_cap).toBe(2000);
    expect(body.audit_logs).toHaveLength(25);
    const times = body.audit_logs.map((r) => r.time);
    expect([...times].sort().reverse()).toEqual(times);
    const offset = await auditLogs(server, owner.token, 'resource_type:template', { limit: '1', offset: '1' });
    expect(offset.audit_logs[0].id).toBe(body.audit_logs[1].id);
  });

  it('filters: a bare word is a resource type, username (and me), action, dates with date_to covering its day, all lowercased', async () => {
    await seed(3, 'workspace', auditor.id, '2026-02-10T23:30:00Z');
    expect((await auditLogs(server, owner.token, 'WORKSPACE')).count).toBe(3);
    expect((await auditLogs(server, owner.token, `workspace username:${auditor.username.toUpperCase()}`)).count).toBe(3);
    expect((await auditLogs(server, auditor.token, 'workspace username:me')).count).toBe(3);
    expect((await auditLogs(server, owner.token, 'workspace username:me')).count).toBe(0);
    expect((await auditLogs(server, owner.token, `workspace email:${auditor.email}`)).count).toBe(3);
    expect((await auditLogs(server, owner.token, 'workspace action:delete')).count).toBe(0);
    expect((await auditLogs(server, owner.token, 'workspace date_from:2026-02-10 date_to:2026-02-10')).count).toBe(3);
    expect((await auditLogs(server, owner.token, 'workspace date_to:2026-02-09')).count).toBe(0);
    const one = (await auditLogs(server, owner.token, 'workspace')).audit_logs[0];
    expect((await auditLogs(server, owner.token, `resource_id:${one.resource_id}`)).count).toBe(1);
    expect((await auditLogs(server, owner.token, `request_id:${one.request_id}`)).count).toBe(1);
    expect((await auditLogs(server, owner.token, `workspace resource_target:${one.resource_target}`)).count).toBe(1);
  });

  it('a malformed query is one 400 naming every problem', async () => {
    const res = await api(server, owner.token).get('/api/v2/audit').query({ q: 'colour:red action:fly :x resource_id:nope organization:nowhere' });
    expectErrorBody(res, 400);
    expect(res.body.message).toBe('Invalid audit search query.');
    expect(res.body.validations.map((v: { field: string }) => v.field).sort()).toEqual(['action', 'colour', 'q', 'resource_id']);
    const org = await api(server, owner.token).get('/api/v2/audit').query({ q: 'organization:nowhere' });
    expectErrorBody(org, 400);
    expect(org.body.validations[0].field).toBe('organization');
  });
});

describe('connection log', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;
  let ws: Awaited<ReturnType<typeof runningWorkspace>>;
  let token: string;

  beforeAll(async () => {
    ({ server, owner } = await licensedLogsServer());
    member = await createUser(server, owner);
    token = randomUUID();
    ws = await runningWorkspace(server, owner, member, 'conn', { resources: [{ name: 'dev', type: 'docker_container', agents: [{ name: 'main', token }] }] });
  });
  afterAll(() => server.close());

  const report = (body: Record<string, unknown>) => asAgent(server, token).post('report-connection', { connection: body });
  const logs = async (q: string) => {
    const res = await api(server, owner.token).get('/api/v2/connectionlog').query({ q });
    if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { connection_logs: Array<Record<string, unknown> & { ssh_info?: Record<string, unknown> }>; count: number; count_cap: number };
  };

  it('a session\'s connect and disconnect make one row; repeats change nothing; the exit code counts on disconnect only', async () => {
    const id = randomUUID();
    expect((await report({ id, action: 'connect', type: 'ssh', timestamp: '2026-03-01T10:00:00Z', ip: 'localhost', status_code: 7 })).status).toBe(204);
    expect((await logs(`connection_id:${id} status:ongoing`)).count).toBe(1);
    expect((await report({ id, action: 'disconnect', type: 'ssh', timestamp: '2026-03-01T10:05:00Z', status_code: 3, reason: 'bye' })).status).toBe(204);
    expect((await report({ id, action: 'disconnect', type: 'ssh', timestamp: '2026-03-01T11:00:00Z', status_code: 9, reason: 'again' })).status).toBe(204);
    const body = await logs(`connection_id:${id}`);
    expect(body.count).toBe(1);
    expect(body.count_cap).toBe(2000);
    expect(body.connection_logs[0]).toMatchObject({
      workspace_id: ws.workspaceId,
      workspace_owner_id: member.id,
      workspace_owner_username: member.username,
      agent_name: 'main',
      type: 'ssh',
      ip: '127.0.0.1',
      connect_time: '2026-03-01T10:00:00.000000Z',
      ssh_info: { connection_id: id, disconnect_time: '2026-03-01T10:05:00.000000Z', disconnect_reason: 'bye', exit_code: 3 },
    });
    expect((await logs(`connection_id:${id} status:completed`)).count).toBe(1);
    expect((await logs(`connection_id:${id} status:ongoing`)).count).toBe(0);
  });

  it('a disconnect seen first still makes the row, and the late connect moves its start back', async () => {
    const id = randomUUID();
    await report({ id, action: 'disconnect', type: 'vscode', timestamp: '2026-03-02T10:05:00Z' });
    await report({ id, action: 'connect', type: 'vscode', timestamp: '2026-03-02T10:00:00Z' });
    const [row] = (await logs(`connection_id:${id}`)).connection_logs;
    expect(row.connect_time).toBe('2026-03-02T10:00:00.000000Z');
    expect(row.ssh_info?.disconnect_time).toBe('2026-03-02T10:05:00.000000Z');
  });

  it('filters by type, owner (and me), workspace, organization and time; bare words and bad values are 400', async () => {
    await report({ id: randomUUID(), action: 'connect', type: 'jetbrains', timestamp: '2026-03-03T10:00:00Z' });
    expect((await logs('type:jetbrains')).count).toBe(1);
    expect((await logs(`type:jetbrains workspace_owner:${member.username}`)).count).toBe(1);
    expect((await logs(`type:jetbrains workspace_owner_email:${member.email}`)).count).toBe(1);
    expect((await logs('type:jetbrains workspace_owner:me')).count).toBe(0);
    expect((await logs(`type:jetbrains workspace_id:${ws.workspaceId} organization:${owner.orgId}`)).count).toBe(1);
    expect((await logs('type:jetbrains connected_after:"2026-03-03T10:00:01Z"')).count).toBe(0);
    expect((await logs('type:jetbrains connected_before:"2026-03-03T10:00:00Z"')).count).toBe(1);
    // Agent sessions have no connecting user.
    expect((await logs(`username:${member.username}`)).count).toBe(0);
    const bad = await api(server, owner.token).get('/api/v2/connectionlog').query({ q: 'hello type:telnet status:maybe' });
    expectErrorBody(bad, 400);
    expect(bad.body.message).toBe('Invalid connection search query.');
    expect(bad.body.validations.map((v: { field: string }) => v.field).sort()).toEqual(['search', 'status', 'type']);
  });

  it('members get 403; a malformed report is 400 and writes nothing', async () => {
    expect((await api(server, member.token).get('/api/v2/connectionlog')).status).toBe(403);
    const before = await server.sql('SELECT id FROM connection_logs');
    const res = await report({ id: 'nope', action: 'open', type: 'ssh', timestamp: 'yesterday' });
    expectErrorBody(res, 400);
    expect(res.body.validations.map((v: { field: string }) => v.field).sort()).toEqual(['connection.action', 'connection.id', 'connection.timestamp']);
    expect(await server.sql('SELECT id FROM connection_logs')).toHaveLength(before.length);
  });
});
