// What agents report besides logs (stats, metadata, script timings, listening ports, app statuses) and what users read back.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../support/fixtures.js';
import { asAgent as agentApi, runningWorkspace } from '../support/agents.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const APPS = [
  { slug: 'code', url: 'http://localhost:8080' },
  { slug: 'web', url: 'http://localhost:3000', healthcheck: { url: 'http://localhost:3000/healthz', interval: 5, threshold: 3 } },
];
const METADATA = [
  { key: 'cpu', display_name: 'CPU', script: 'top -bn1 | head -1', interval: 10, timeout: 3, order: 2 },
  { key: 'disk', display_name: 'Disk', script: 'df -h /', interval: 60, timeout: 5, order: 1 },
];
const SCRIPTS = [{ display_name: 'setup', script: 'echo hi', run_on_start: true }];

/** A template whose one agent has `token`, the apps of agents.e2e-spec.ts, two metadata items and a start script. */
const doc = (token: string) => ({
  resources: [{ name: 'dev', type: 'docker_container', agents: [{ name: 'main', token, directory: '/home/coder', apps: APPS, metadata: METADATA, scripts: SCRIPTS }] }],
});

interface SseEvent {
  event: string;
  data: unknown;
}

describe('agent reports', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;
  let other: TestUser;
  let seq = 0;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
    other = await createUser(server, owner);
  });
  afterAll(() => server.close());

  /** A running workspace of `member` with one agent; answers its ids and the agent's token. */
  async function running() {
    const token = randomUUID();
    return { token, ...(await runningWorkspace(server, owner, member, `reports-${++seq}`, doc(token))) };
  }
  const asAgent = (token: string) => agentApi(server, token);

  const statRows = (agentId: string) => server.sql<Record<string, unknown>>(`SELECT * FROM workspace_agent_stats WHERE agent_id = $1 ORDER BY created_at`, [agentId]);

  /**
   * Follows a Server-Sent Events route: `next(pred)` resolves with the first event not yet consumed
   * that satisfies `pred` (events before it are consumed too); `close()` aborts the request.
   */
  function followEvents(path: string, token: string) {
    const events: SseEvent[] = [];
    let cursor = 0;
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    let onResponse: (r: { status: number; headers: http.IncomingHttpHeaders }) => void = () => undefined;
    const response = new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((resolve) => (onResponse = resolve));
    const req = http.get(new URL(`${server.url}${path}`), { headers: { 'Coder-Session-Token': token } }, (res) => {
      onResponse({ status: res.statusCode ?? 0, headers: res.headers });
      res.setEncoding('utf8');
      let buffered = '';
      res.on('data', (chunk: string) => {
        buffered += chunk;
        for (let i = buffered.indexOf('\n\n'); i >= 0; i = buffered.indexOf('\n\n')) {
          const block = buffered.slice(0, i);
          buffered = buffered.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice('data: '.length))
            .join('\n');
          events.push({ event, data: JSON.parse(data) });
        }
        notify();
      });
      res.on('error', () => undefined);
      res.on('end', () => {
        failure ??= new Error('the event stream ended');
        notify();
      });
    });
    req.on('error', (err) => {
      failure ??= err;
      notify();
    });
    return {
      response,
      async next(pred: (e: SseEvent) => boolean = () => true): Promise<SseEvent> {
        for (;;) {
          while (cursor < events.length) {
            const e = events[cursor++];
            if (pred(e)) return e;
          }
          if (failure) throw failure;
          await new Promise<void>((resolve) => (wake = resolve));
        }
      },
      close() {
        failure ??= new Error('closed');
        req.destroy();
      },
    };
  }

  it('report-stats stores the report for the agent\'s workspace and answers the report interval; bad counts are 400 and store nothing', async () => {
    const w = await running();
    const res = await asAgent(w.token).post('report-stats', {
      connections_by_proto: { ssh: 2, vscode: 1 },
      connection_count: 3,
      connection_median_latency_ms: 12.5,
      rx_packets: 10,
      rx_bytes: 1000,
      tx_packets: 20,
      tx_bytes: 2000,
      session_count_vscode: 1,
      session_count_jetbrains: 0,
      session_count_reconnecting_pty: 4,
      session_count_ssh: 2,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ report_interval: 30_000_000_000 });
    expect((await asAgent(w.token).post('report-stats', { rx_bytes: 7 })).status).toBe(200);
    const rows = await statRows(w.agentId);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      agent_id: w.agentId,
      workspace_id: w.workspaceId,
      user_id: member.id,
      template_id: w.templateId,
      connections_by_proto: { ssh: 2, vscode: 1 },
      connection_count: '3',
      connection_median_latency_ms: 12.5,
      rx_packets: '10',
      rx_bytes: '1000',
      tx_packets: '20',
      tx_bytes: '2000',
      session_count_vscode: '1',
      session_count_jetbrains: '0',
      session_count_reconnecting_pty: '4',
      session_count_ssh: '2',
    });
    // Missing fields: counts are 0, the latency unknown (-1).
    expect(rows[1]).toMatchObject({
      agent_id: w.agentId,
      connections_by_proto: {},
      connection_count: '0',
      connection_median_latency_ms: -1,
      rx_packets: '0',
      rx_bytes: '7',
      tx_packets: '0',
      tx_bytes: '0',
      session_count_vscode: '0',
      session_count_jetbrains: '0',
      session_count_reconnecting_pty: '0',
      session_count_ssh: '0',
    });

    const bad = await asAgent(w.token).post('report-stats', { rx_bytes: -1, session_count_ssh: 1.5, connections_by_proto: { ssh: 'two' }, tx_bytes: 5 });
    expect(bad.status).toBe(400);
    expect((bad.body.validations as Array<{ field: string }>).map((v) => v.field).sort()).toEqual(['connections_by_proto', 'rx_bytes', 'session_count_ssh']);
    expect(await statRows(w.agentId)).toHaveLength(2);
  });

  it('100 concurrent reports from one agent are all answered and all stored', async () => {
    const w = await running();
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => asAgent(w.token).post('report-stats', { rx_bytes: i + 1 })));
    expect(answers.map((r) => r.status)).toEqual(Array(100).fill(200));
    const rows = await statRows(w.agentId);
    expect(rows).toHaveLength(100);
    expect(rows.map((r) => Number(r.rx_bytes)).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('a report with a session marks the workspace used and bumps a near deadline by the activity bump; one without sessions changes neither', async () => {
    const w = await running();
    expect((await server.sql<{ activity_bump: string }>(`SELECT activity_bump FROM templates WHERE id = $1`, [w.templateId]))[0].activity_bump).toBe('3600000000000');
    const arrange = async () => {
      await server.sql(`UPDATE workspace_builds SET deadline = now() + interval '1 minute', max_deadline = '0001-01-01 00:00:00+00' WHERE id = $1`, [w.buildId]);
      await server.sql(`UPDATE workspaces SET last_used_at = '2020-01-01 00:00:00+00' WHERE id = $1`, [w.workspaceId]);
    };
    const state = async () =>
      (await server.sql<{ last_used_at: Date; deadline: Date; bumped: boolean; used: boolean }>(
        `SELECT w.last_used_at, b.deadline, b.deadline > now() + interval '50 minutes' AS bumped, w.last_used_at > '2020-01-01 00:00:00+00' AS used
         FROM workspaces w JOIN workspace_builds b ON b.workspace_id = w.id WHERE w.id = $1 AND b.id = $2`,
        [w.workspaceId, w.buildId],
      ))[0];

    // No sessions, only traffic: not a use.
    await arrange();
    const before = await state();
    expect((await asAgent(w.token).post('report-stats', { rx_bytes: 100, tx_bytes: 100, connection_count: 1 })).status).toBe(200);
    const after = await state();
    expect(after).toEqual(before);
    expect(after).toMatchObject({ used: false, bumped: false });

    const [{ now }] = await server.sql<{ now: Date }>(`SELECT now()`);
    expect((await asAgent(w.token).post('report-stats', { session_count_ssh: 1 })).status).toBe(200);
    const used = await state();
    expect(used.used).toBe(true);
    expect(used.last_used_at.getTime()).toBeGreaterThanOrEqual(now.getTime());
    expect(used.bumped).toBe(true);
  });

  it('metadata: the manifest describes it, results stream to the owner, unknown keys are ignored, long values are cut', async () => {
    const w = await running();
    const descriptions = [
      { display_name: 'Disk', key: 'disk', script: 'df -h /', interval: 60, timeout: 5 },
      { display_name: 'CPU', key: 'cpu', script: 'top -bn1 | head -1', interval: 10, timeout: 3 },
    ];
    const manifest = await asAgent(w.token).get('manifest');
    expect(manifest.status).toBe(200);
    expect(manifest.body.metadata).toEqual(descriptions);

    const collected = '2024-01-01T00:00:00Z';
    expect((await asAgent(w.token).post('metadata', { metadata: [{ key: 'cpu', result: { collected_at: collected, age: 0, value: '42%', error: '' } }] })).status).toBe(204);

    const stream = followEvents(`/api/v2/workspaceagents/${w.agentId}/watch-metadata`, member.token);
    try {
      const { status, headers } = await stream.response;
      expect(status).toBe(200);
      expect(headers['content-type']).toContain('text/event-stream');
      const first = await stream.next();
      expect(first.event).toBe('data');
      const byKey = (e: SseEvent) => Object.fromEntries((e.data as Array<{ description: { key: string }; result: Record<string, unknown> }>).map((m) => [m.description.key, m]));
      expect((first.data as Array<{ description: unknown }>).map((m) => m.description)).toEqual(descriptions);
      expect(byKey(first).cpu.result).toEqual({ collected_at: '2024-01-01T00:00:00.000000Z', age: expect.any(Number), value: '42%', error: '' });
      expect(byKey(first).cpu.result.age as number).toBeGreaterThan(0);
      expect(byKey(first).disk.result).toMatchObject({ value: '', error: '' });

      // A later post is a new event with the new value.
      const now = new Date().toISOString();
      expect((await asAgent(w.token).post('metadata', { metadata: [{ key: 'cpu', result: { collected_at: now, age: 0, value: '7%', error: 'slow' } }] })).status).toBe(204);
      const update = await stream.next((e) => byKey(e).cpu?.result.value === '7%');
      expect(update.event).toBe('data');
      expect(byKey(update).cpu.result).toMatchObject({ value: '7%', error: 'slow' });
      expect(byKey(update).cpu.description).toEqual(descriptions[1]);

      // The deprecated route posts one result by key.
      expect((await asAgent(w.token).post('metadata/disk', { collected_at: now, age: 0, value: '80% used', error: '' })).status).toBe(204);
      const disk = await stream.next((e) => byKey(e).disk?.result.value === '80% used');
      expect(byKey(disk).cpu.result.value).toBe('7%');
    } finally {
      stream.close();
    }

    // Unknown keys are ignored: nothing stored, nothing changed.
    const storedMetadata = () => server.sql<{ key: string; value: string; error: string }>(`SELECT key, value, error FROM workspace_agent_metadata WHERE workspace_agent_id = $1 ORDER BY key`, [w.agentId]);
    expect((await asAgent(w.token).post('metadata', { metadata: [{ key: 'nope', result: { collected_at: collected, age: 0, value: 'x', error: '' } }] })).status).toBe(204);
    expect(await storedMetadata()).toEqual([
      { key: 'cpu', value: '7%', error: 'slow' },
      { key: 'disk', value: '80% used', error: '' },
    ]);

    // A value past 2048 bytes is cut there, and the error says so.
    expect((await asAgent(w.token).post('metadata', { metadata: [{ key: 'cpu', result: { collected_at: collected, age: 0, value: 'x'.repeat(3000), error: '' } }] })).status).toBe(204);
    const cut = (await storedMetadata()).find((m) => m.key === 'cpu');
    expect(cut?.value).toBe('x'.repeat(2048));
    expect(cut?.error).toBe('value of 3000 bytes exceeded 2048 bytes');

    // Another member reads nothing of it.
    expect((await api(server, other.token).get(`/api/v2/workspaceagents/${w.agentId}/watch-metadata`)).status).toBe(404);
  });

  it('script-completed: a timing shows in the build\'s timings once; unknown scripts are 404, bad timings 400', async () => {
    const w = await running();
    const [{ id: scriptId }] = await server.sql<{ id: string }>(`SELECT id FROM workspace_agent_scripts WHERE workspace_agent_id = $1`, [w.agentId]);
    const timing = { script_id: scriptId, start: '2026-12-07T10:00:00Z', end: '2026-12-07T10:00:03Z', exit_code: 0, stage: 'start', status: 'ok' };
    expect((await asAgent(w.token).post('script-completed', { timing })).status).toBe(204);
    const expected = [{
      started_at: '2026-12-07T10:00:00.000000Z',
      ended_at: '2026-12-07T10:00:03.000000Z',
      exit_code: 0,
      stage: 'start',
      status: 'ok',
      display_name: 'setup',
      workspace_agent_id: w.agentId,
      workspace_agent_name: 'main',
    }];
    const timings = async () => {
      const res = await api(server, member.token).get(`/api/v2/workspacebuilds/${w.buildId}/timings`);
      expect(res.status).toBe(200);
      return res.body.agent_script_timings;
    };
    expect(await timings()).toEqual(expected);

    // The same report again changes nothing.
    expect((await asAgent(w.token).post('script-completed', { timing })).status).toBe(204);
    expect(await timings()).toEqual(expected);

    const unknown = await asAgent(w.token).post('script-completed', { timing: { ...timing, script_id: randomUUID() } });
    expect(unknown.status).toBe(404);
    const backwards = await asAgent(w.token).post('script-completed', { timing: { ...timing, start: '2026-12-07T11:00:00Z', end: '2026-12-07T10:59:59Z' } });
    expect(backwards.status).toBe(400);
    expect(backwards.body.validations).toEqual([{ field: 'timing.end', detail: expect.any(String) }]);
    const badStage = await asAgent(w.token).post('script-completed', { timing: { ...timing, start: '2026-12-07T12:00:00Z', stage: 'middle' } });
    expect(badStage.status).toBe(400);
    expect((badStage.body.validations as Array<{ field: string }>).map((v) => v.field)).toEqual(['timing.stage']);
    expect(await timings()).toEqual(expected);
  });

  it('listening ports: the owner reads the reported ports sorted, de-duplicated, without the apps\' ports; only from a connected agent', async () => {
    const quiet = await running();
    const notConnected = await api(server, member.token).get(`/api/v2/workspaceagents/${quiet.agentId}/listening-ports`);
    expect(notConnected.status).toBe(400);
    expect(notConnected.body.message).toContain('connecting');

    const w = await running();
    const port = (n: number, name = 'node') => ({ process_name: name, network: 'tcp', port: n });
    expect((await asAgent(w.token).post('listening-ports', { ports: [port(9000), port(8080, 'code-server'), port(5432, 'postgres'), port(3000), port(9000), port(22, 'sshd')] })).status).toBe(204);
    const res = await api(server, member.token).get(`/api/v2/workspaceagents/${w.agentId}/listening-ports`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ports: [port(22, 'sshd'), port(5432, 'postgres'), port(9000)] });

    // A later report replaces the previous one.
    expect((await asAgent(w.token).post('listening-ports', { ports: [port(4000)] })).status).toBe(204);
    expect((await api(server, member.token).get(`/api/v2/workspaceagents/${w.agentId}/listening-ports`)).body).toEqual({ ports: [port(4000)] });

    const udp = await asAgent(w.token).post('listening-ports', { ports: [{ process_name: 'dns', network: 'udp', port: 53 }] });
    expect(udp.status).toBe(400);
    expect((udp.body.validations as Array<{ field: string }>).map((v) => v.field)).toEqual(['ports.0.network']);
    expect((await api(server, member.token).get(`/api/v2/workspaceagents/${w.agentId}/listening-ports`)).body).toEqual({ ports: [port(4000)] });
    expect((await api(server, other.token).get(`/api/v2/workspaceagents/${w.agentId}/listening-ports`)).status).toBe(404);
  });

  it('connection info: the generic and the per-agent route answer an empty DERP map; a stranger\'s agent is 404', async () => {
    const w = await running();
    const info = { derp_map: { Regions: {} }, derp_force_websockets: false, disable_direct_connections: false, hostname_suffix: 'coder' };
    const generic = await api(server, other.token).get('/api/v2/workspaceagents/connection');
    expect(generic.status).toBe(200);
    expect(generic.body).toEqual(info);
    const mine = await api(server, member.token).get(`/api/v2/workspaceagents/${w.agentId}/connection`);
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual(info);
    expect((await api(server, other.token).get(`/api/v2/workspaceagents/${w.agentId}/connection`)).status).toBe(404);
    expect((await api(server).get('/api/v2/workspaceagents/connection')).status).toBe(401);
  });

  it('app-status: a status of one of the agent\'s apps is stored; an unknown app, a long message or a bad state is 400', async () => {
    const w = await running();
    const statuses = () => server.sql<{ app_id: string; workspace_id: string; state: string; message: string; uri: string | null }>(
      `SELECT app_id, workspace_id, state, message, uri FROM workspace_app_statuses WHERE agent_id = $1 ORDER BY created_at, message`,
      [w.agentId],
    );
    const [{ id: codeId }] = await server.sql<{ id: string }>(`SELECT id FROM workspace_apps WHERE agent_id = $1 AND slug = 'code'`, [w.agentId]);
    const ok = await asAgent(w.token).patch('app-status', { app_slug: 'code', state: 'working', message: 'Thinking', uri: '' });
    expect(ok.status).toBe(200);
    expect(await statuses()).toEqual([{ app_id: codeId, workspace_id: w.workspaceId, state: 'working', message: 'Thinking', uri: '' }]);

    const unknown = await asAgent(w.token).patch('app-status', { app_slug: 'nope', state: 'working', message: 'Thinking', uri: '' });
    expect(unknown.status).toBe(400);
    const long = await asAgent(w.token).patch('app-status', { app_slug: 'code', state: 'idle', message: 'm'.repeat(161), uri: '' });
    expect(long.status).toBe(400);
    const sleeping = await asAgent(w.token).patch('app-status', { app_slug: 'code', state: 'sleeping', message: 'zzz', uri: '' });
    expect(sleeping.status).toBe(400);
    expect((sleeping.body.validations as Array<{ field: string }>).map((v) => v.field)).toEqual(['state']);
    expect(await statuses()).toHaveLength(1);

    // 160 characters is the longest message.
    expect((await asAgent(w.token).patch('app-status', { app_slug: 'code', state: 'complete', message: 'm'.repeat(160), uri: 'https://example.com/pr/1' })).status).toBe(200);
    expect((await statuses()).map((s) => [s.state, s.message.length, s.uri])).toEqual([['working', 8, ''], ['complete', 160, 'https://example.com/pr/1']]);
  });
});
