// The agent API over HTTP: an agent authenticates with its token, reports startup, lifecycle and
// logs; users read their agent and its logs. Agents keep their access through the stop that follows
// their start until it completes (facts 3.6), under exactly four conditions, each flipped here.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../support/fixtures.js';
import { waitForBuild } from '../support/templates.js';
import { asAgent as agentApi, runningWorkspace } from '../support/agents.js';
import { until } from '../support/poll.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const SOURCE = '00000000-0000-4000-8000-00000000a001';

/** A template whose one agent has `token`; `stopHangs` keeps a stop build running until cancelled. */
const doc = (token: string, stopHangs = false) => ({
  resources: [{ name: 'dev', type: 'docker_container', agents: [{ name: 'main', token, directory: '/home/coder', env: { EDITOR: 'vim' }, apps: [{ slug: 'code', url: 'http://localhost:8080' }, { slug: 'web', url: 'http://localhost:3000', healthcheck: { url: 'http://localhost:3000/healthz', interval: 5, threshold: 3 } }] }] }],
  ...(stopHangs ? { outcomes: { stop: { apply: { hang: true } } } } : {}),
});

describe('workspace agents', () => {
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
  async function running(opts: { stopHangs?: boolean } = {}) {
    const token = randomUUID();
    return { token, ...(await runningWorkspace(server, owner, member, `agents-${++seq}`, doc(token, opts.stopHangs))) };
  }

  const asAgent = (token: string) => agentApi(server, token);
  const agentStatus = async (token: string) => (await asAgent(token).get('manifest')).status;

  it('an agent reads its manifest with its token; the token is stored only hashed', async () => {
    const w = await running();
    const res = await asAgent(w.token).get('manifest');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      agent_id: w.agentId,
      agent_name: 'main',
      owner_name: member.username,
      owner_id: member.id,
      workspace_id: w.workspaceId,
      directory: '/home/coder',
      environment_variables: { EDITOR: 'vim' },
      apps: [expect.objectContaining({ slug: 'code', url: 'http://localhost:8080' }), expect.objectContaining({ slug: 'web' })],
    });
    const stored = JSON.stringify(await server.sql(`SELECT * FROM workspace_agents WHERE id = $1`, [w.agentId]));
    expect(stored).not.toContain(w.token);
    // Bearer works as well as the session header, and the token's case does not matter.
    expect((await api(server).get('/api/v2/workspaceagents/me/manifest').set('Authorization', `Bearer ${w.token.toUpperCase()}`)).status).toBe(200);
  });

  it('refuses a missing, malformed or unknown token with Coder\'s 401s', async () => {
    const none = await api(server).get('/api/v2/workspaceagents/me/manifest');
    expect(none.status).toBe(401);
    const malformed = await asAgent('not-a-uuid').get('manifest');
    expect(malformed.status).toBe(401);
    expect(malformed.body).toEqual({ message: 'Workspace agent token invalid.', detail: 'An agent token must be a valid UUIDv4. (len 10)' });
    const unknown = await asAgent(randomUUID()).get('manifest');
    expect(unknown.status).toBe(401);
    expect(unknown.body.message).toBe('Workspace agent not authorized.');
    // A user's session token is not an agent token.
    expect((await asAgent(member.token).get('manifest')).status).toBe(401);
  });

  it('startup and lifecycle reports show on the agent; a report connects it', async () => {
    const w = await running();
    const before = (await api(server, member.token).get(`/api/v2/workspaceagents/${w.agentId}`)).body;
    expect(before).toMatchObject({ status: 'connecting', lifecycle_state: 'created' });
    expect((await asAgent(w.token).post('startup', { version: 'v2.30.0', expanded_directory: '/home/coder', subsystems: ['envbox'] })).status).toBe(204);
    expect((await asAgent(w.token).post('report-lifecycle', { state: 'starting', changed_at: '2026-12-07T10:00:00Z' })).status).toBe(204);
    expect((await asAgent(w.token).post('report-lifecycle', { state: 'ready', changed_at: '2026-12-07T10:00:05Z' })).status).toBe(204);
    const after = (await api(server, member.token).get(`/api/v2/workspaceagents/${w.agentId}`)).body;
    expect(after).toMatchObject({
      id: w.agentId,
      status: 'connected',
      lifecycle_state: 'ready',
      started_at: '2026-12-07T10:00:00.000000Z',
      ready_at: '2026-12-07T10:00:05.000000Z',
      version: 'v2.30.0',
      api_version: '2.0',
      expanded_directory: '/home/coder',
      subsystems: ['envbox'],
      health: { healthy: true },
    });
    expect(after.first_connected_at).toBeDefined();
    const bad = await asAgent(w.token).post('report-lifecycle', { state: 'sleeping' });
    expect(bad.status).toBe(400);
    expect(bad.body.validations).toEqual([{ field: 'state', detail: expect.stringContaining('Must be one of created, starting') }]);
  });

  it('logs: batches are appended and read back in order; an empty batch is 400', async () => {
    const w = await running();
    expect((await asAgent(w.token).post('log-source', { id: SOURCE, display_name: 'Startup script', icon: '/icon/code.svg' })).status).toBe(201);
    const lines = [
      { created_at: '2026-12-07T10:00:00Z', output: 'installing', level: 'info' },
      { created_at: '2026-12-07T10:00:01Z', output: 'careful', level: 'warn' },
    ];
    expect((await asAgent(w.token).patch('logs', { log_source_id: SOURCE, logs: lines })).status).toBe(200);
    expect((await asAgent(w.token).patch('logs', { log_source_id: SOURCE, logs: [{ created_at: '2026-12-07T10:00:02Z', output: 'done' }] })).status).toBe(200);
    const empty = await asAgent(w.token).patch('logs', { log_source_id: SOURCE, logs: [] });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toBe('No logs provided.');
    const logs = (await api(server, member.token).get(`/api/v2/workspaceagents/${w.agentId}/logs`)).body as Array<{ id: number; output: string; level: string; source_id: string }>;
    expect(logs.map((l) => [l.output, l.level, l.source_id])).toEqual([
      ['installing', 'info', SOURCE],
      ['careful', 'warn', SOURCE],
      ['done', 'info', SOURCE],
    ]);
    expect((await api(server, member.token).get(`/api/v2/workspaceagents/${w.agentId}/logs?after=${logs[0].id}&before=${logs[2].id}`)).body.map((l: { output: string }) => l.output)).toEqual(['careful']);
    const agent = (await api(server, member.token).get(`/api/v2/workspaceagents/${w.agentId}`)).body;
    expect(agent.logs_length).toBe('installingcarefuldone'.length);
    expect(agent.log_sources).toEqual([expect.objectContaining({ id: SOURCE, display_name: 'Startup script', icon: '/icon/code.svg', workspace_agent_id: w.agentId })]);
  });

  it('past 1 MiB of output a batch is refused with 413 and the agent is marked overflowed', async () => {
    const w = await running();
    await server.sql(`UPDATE workspace_agents SET logs_length = $2 WHERE id = $1`, [w.agentId, (1 << 20) - 5]);
    expect((await asAgent(w.token).patch('logs', { log_source_id: SOURCE, logs: [{ created_at: '2026-12-07T10:00:00Z', output: 'fits!' }] })).status).toBe(200);
    const over = await asAgent(w.token).patch('logs', { log_source_id: SOURCE, logs: [{ created_at: '2026-12-07T10:00:00Z', output: 'x' }] });
    expect(over.status).toBe(413);
    expect(over.body.message).toBe('Logs limit exceeded');
    const agent = (await api(server, member.token).get(`/api/v2/workspaceagents/${w.agentId}`)).body;
    expect(agent).toMatchObject({ logs_length: 1 << 20, logs_overflowed: true });
    expect((await api(server, member.token).get(`/api/v2/workspaceagents/${w.agentId}/logs`)).body.map((l: { output: string }) => l.output)).toEqual(['fits!']);
  });

  it('follow streams logs as they arrive (Server-Sent Events)', async () => {
    const w = await running();
    const received: string[] = [];
    const url = new URL(`${server.url}/api/v2/workspaceagents/${w.agentId}/logs?follow=true`);
    const firstTwo = new Promise<void>((resolve, reject) => {
      const req = http.get(url, { headers: { 'Coder-Session-Token': member.token } }, (res) => {
        expect(res.headers['content-type']).toContain('text/event-stream');
        res.setEncoding('utf8');
        let buffered = '';
        res.on('data', (chunk: string) => {
          buffered += chunk;
          for (const m of buffered.matchAll(/^data: (.*)$/gm)) received.push(JSON.parse(m[1]).output);
          buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
          // A supertest request is sent when awaited (then), not when built.
          if (received.length === 1) asAgent(w.token).patch('logs', { log_source_id: SOURCE, logs: [{ created_at: '2026-12-07T10:00:01Z', output: 'second' }] }).then(() => undefined, reject);
          if (received.length >= 2) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on('error', reject);
    });
    expect((await asAgent(w.token).patch('logs', { log_source_id: SOURCE, logs: [{ created_at: '2026-12-07T10:00:00Z', output: 'first' }] })).status).toBe(200);
    await firstTwo;
    expect(received).toEqual(['first', 'second']);
  });

  it('app health: the agent reports its checked apps; other apps and bad values change nothing', async () => {
    const w = await running();
    const apps = async () => Object.fromEntries(((await api(server, member.token).get(`/api/v2/workspaceagents/${w.agentId}`)).body.apps as Array<{ slug: string; id: string; health: string }>).map((p) => [p.slug, p]));
    const { code, web } = await apps();
    expect([code.health, web.health]).toEqual(['disabled', 'initializing']);
    expect((await asAgent(w.token).post('app-health', { healths: { [web.id]: 'healthy' } })).status).toBe(200);
    expect((await apps()).web.health).toBe('healthy');
    const unchecked = await asAgent(w.token).post('app-health', { healths: { [web.id]: 'unhealthy', [code.id]: 'healthy' } });
    expect(unchecked.status).toBe(404);
    expect(unchecked.body).toEqual({ message: 'Error setting workspace app health', detail: `health checking is disabled for workspace app ${code.id}` });
    const foreign = await asAgent(w.token).post('app-health', { healths: { [randomUUID()]: 'healthy' } });
    expect(foreign.status).toBe(404);
    const bad = await asAgent(w.token).post('app-health', { healths: { [web.id]: 'sleepy' } });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toBe('workspace app health sleepy is not a valid value');
    expect((await apps()).web.health).toBe('healthy');
  });

  it('users read an agent as they read its workspace', async () => {
    const w = await running();
    expect((await api(server, owner.token).get(`/api/v2/workspaceagents/${w.agentId}`)).status).toBe(200);
    expect((await api(server, other.token).get(`/api/v2/workspaceagents/${w.agentId}`)).status).toBe(404);
    expect((await api(server, other.token).get(`/api/v2/workspaceagents/${w.agentId}/logs`)).status).toBe(404);
    expect((await api(server, member.token).get('/api/v2/workspaceagents/not-a-uuid')).status).toBe(404);
    expect((await api(server).get(`/api/v2/workspaceagents/${w.agentId}`)).status).toBe(401);
  });

  describe('the shutdown window (facts 3.6)', () => {
    const hanging: string[] = [];
    // A hanging stop holds a daemon until cancelled: every test gives its daemon back.
    afterEach(async () => {
      for (const id of hanging.splice(0)) {
        await api(server, owner.token).patch(`/api/v2/workspacebuilds/${id}/cancel`);
        await waitForBuild(server, owner.token, id);
      }
    });

    /** A running workspace whose next build, a stop, is active (its apply hangs until cancelled). */
    async function stopping() {
      const w = await running({ stopHangs: true });
      const stop = await api(server, member.token).post(`/api/v2/workspaces/${w.workspaceId}/builds`).send({ transition: 'stop' });
      expect(stop.status).toBe(201);
      hanging.push(stop.body.id);
      return { ...w, stopBuildId: stop.body.id as string };
    }

    const stopJobStatus = async (buildId: string) =>
      (await server.sql<{ job_status: string }>(`SELECT j.job_status FROM provisioner_jobs j JOIN workspace_builds b ON b.job_id = j.id WHERE b.id = $1`, [buildId]))[0].job_status;

    it('the start build\'s agent keeps its access while the next build, a stop, is pending or running', async () => {
      const w = await stopping();
      expect(['pending', 'running']).toContain(await stopJobStatus(w.stopBuildId));
      expect(await agentStatus(w.token)).toBe(200);
    });

    it('(a) flipped: the agent of a build that is neither latest nor the start before a stop has no access', async () => {
      const w = await stopping();
      // The stop is two builds after the start.
      await server.sql(`UPDATE workspace_builds SET build_number = build_number + 1 WHERE id = $1`, [w.stopBuildId]);
      expect(await agentStatus(w.token)).toBe(401);
    });

    it('(b) flipped: the agent\'s build must be a succeeded start', async () => {
      const w = await stopping();
      await server.sql(`UPDATE provisioner_jobs SET error = 'failed after all' WHERE id = (SELECT job_id FROM workspace_builds WHERE id = $1)`, [w.buildId]);
      expect(await agentStatus(w.token)).toBe(401);
    });

    it('(c) flipped: the next build must be a stop', async () => {
      const w = await stopping();
      await server.sql(`UPDATE workspace_builds SET transition = 'delete' WHERE id = $1`, [w.stopBuildId]);
      expect(await agentStatus(w.token)).toBe(401);
    });

    it('(d) flipped: once the stop has ended (here: cancelled), the agent loses its access', async () => {
      const w = await stopping();
      hanging.splice(hanging.indexOf(w.stopBuildId), 1);
      expect((await api(server, member.token).patch(`/api/v2/workspacebuilds/${w.stopBuildId}/cancel`)).status).toBe(200);
      const ended = await waitForBuild(server, member.token, w.stopBuildId);
      expect(ended.job.status).toBe('canceled');
      expect(await agentStatus(w.token)).toBe(401);
    });

    it('a completed stop retires the agent; a deleted workspace\'s agent has no access', async () => {
      const w = await running();
      const stop = await api(server, member.token).post(`/api/v2/workspaces/${w.workspaceId}/builds`).send({ transition: 'stop' });
      expect((await waitForBuild(server, member.token, stop.body.id)).status).toBe('stopped');
      expect(await agentStatus(w.token)).toBe(401);
      const other = await running();
      expect(await agentStatus(other.token)).toBe(200);
      // Changed behind the server's back: the database's notification reaches the agent auth cache soon after.
      await server.sql(`UPDATE workspaces SET deleted = true WHERE id = $1`, [other.workspaceId]);
      expect(await until(() => agentStatus(other.token), (s) => s === 401)).toBe(401);
    });
  });
});
