// External workspaces and the reference agent: the init script an external machine runs, the agent it
// downloads, the has_external_agent flags on versions, builds and both searches, and the reference
// agent speaking the agent API end to end (scripts, logs, timings, metadata, lifecycle, shutdown).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ReferenceAgent } from '#agent/agent.js';
import { runningWorkspace } from '../support/agents.js';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../support/fixtures.js';
import { until } from '../support/poll.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** One agent with a start script, a stop script and a metadata item; external or not. */
const doc = (token: string, external: boolean) => ({
  resources: [
    {
      name: 'box',
      type: 'null_resource',
      agents: [
        {
          name: 'main',
          external,
          token,
          scripts: [
            { display_name: 'setup', script: 'echo hello from setup', run_on_start: true },
            { display_name: 'teardown', script: 'echo bye', run_on_stop: true },
          ],
          metadata: [{ key: 'answer', display_name: 'Answer', script: 'echo 42', interval: 3600, timeout: 5 }],
        },
      ],
    },
  ],
});

describe('external workspaces and the reference agent', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;
  let seq = 0;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
  });
  afterAll(() => server.close());

  /** A running workspace of the member; answers its ids and the fixed agent token of a non-external agent. */
  async function running(external: boolean) {
    const token = randomUUID();
    const w = await runningWorkspace(server, owner, member, `ext-${++seq}`, doc(token, external));
    return { token, ...w, build: w.build as typeof w.build & { has_external_agent?: boolean } };
  }

  it('serves the init script for each supported os/arch pair, Linux amd64 by default, and 400 for others', async () => {
    const byDefault = await api(server).get('/api/v2/init-script');
    expect(byDefault.status).toBe(200);
    expect(byDefault.headers['content-type']).toMatch(/^text\/plain/);
    expect(byDefault.text).toMatch(/^#!\/usr\/bin\/env sh/);
    expect(byDefault.text).toContain('linux/amd64');
    expect(byDefault.text).toContain(`ACCESS_URL='${server.config.accessUrl.replace(/\/+$/, '')}'`);
    expect(byDefault.text).toContain('/bin/coder-agent.mjs');
    const windows = await api(server).get('/api/v2/init-script?os=windows&arch=arm64');
    expect(windows.status).toBe(200);
    expect(windows.text).toContain('Invoke-WebRequest');
    expect((await api(server).get('/api/v2/init-script/darwin/armv7')).text).toContain('darwin/armv7');
    const bad = await api(server).get('/api/v2/init-script/plan9/sparc');
    expect(bad.status).toBe(400);
    expect(bad.body.validations.map((v: { field: string }) => v.field)).toEqual(['os', 'arch']);
    expect((await api(server).get('/api/v2/init-script?arch=sparc')).body.validations).toEqual([{ field: 'arch', detail: expect.any(String) }]);
  });

  it('a template with an external agent marks its version, its builds and both searches', async () => {
    const w = await running(true);
    const plain = await running(false);
    const version = await api(server, owner.token).get(`/api/v2/templateversions/${w.template.active_version_id}`);
    expect(version.body.has_external_agent).toBe(true);
    expect((await api(server, owner.token).get(`/api/v2/templateversions/${plain.template.active_version_id}`)).body.has_external_agent).toBe(false);
    expect(w.build.has_external_agent).toBe(true);
    expect(plain.build.has_external_agent).toBe(false);
    const found = await api(server, owner.token).get('/api/v2/workspaces').query({ q: 'has_external_agent:true' });
    expect(found.body.workspaces.map((x: { id: string }) => x.id)).toContain(w.workspaceId);
    expect(found.body.workspaces.map((x: { id: string }) => x.id)).not.toContain(plain.workspaceId);
    const templates = await api(server, owner.token).get('/api/v2/templates').query({ q: 'has_external_agent:true' });
    expect(templates.body.map((x: { id: string }) => x.id)).toEqual([w.template.id]);
    // An external agent's token is coderd's own, not the one the template fixed.
    expect((await api(server).get('/api/v2/workspaceagents/me/manifest').set('Coder-Session-Token', w.token)).status).toBe(401);
    expect((await api(server).get('/api/v2/workspaceagents/me/manifest').set('Coder-Session-Token', plain.token)).status).toBe(200);
  });

  it('the reference agent runs its scripts, reports logs, timings, metadata and lifecycle, and shuts down', async () => {
    const w = await running(false);
    const agent = new ReferenceAgent({ url: server.url, token: w.token, directory: tmpdir() });
    const ready = once(agent, 'ready');
    const collected = once(agent, 'metadata');
    await agent.start();
    expect((await ready)[0]).toBe('ready');
    await collected;
    const seen = await api(server, member.token).get(`/api/v2/workspaceagents/${w.agentId}`);
    expect(seen.body).toMatchObject({ status: 'connected', lifecycle_state: 'ready', version: '0.1.0' });
    const logs = await api(server, member.token).get(`/api/v2/workspaceagents/${w.agentId}/logs`);
    expect(logs.body.map((l: { output: string }) => l.output)).toContain('hello from setup');
    const timings = await api(server, member.token).get(`/api/v2/workspacebuilds/${w.build.id}/timings`);
    expect(timings.body.agent_script_timings).toEqual([expect.objectContaining({ display_name: 'setup', stage: 'start', status: 'ok', exit_code: 0, workspace_agent_name: 'main' })]);
    expect(await server.sql(`SELECT value, error FROM workspace_agent_metadata WHERE workspace_agent_id = $1`, [w.agentId])).toEqual([{ value: '42', error: '' }]);
    await agent.stop();
    const after = await api(server, member.token).get(`/api/v2/workspaceagents/${w.agentId}`);
    expect(after.body.lifecycle_state).toBe('off');
    expect((await api(server, member.token).get(`/api/v2/workspacebuilds/${w.build.id}/timings`)).body.agent_script_timings.map((t: { stage: string }) => t.stage)).toEqual(['start', 'stop']);
  });

  it('the downloadable agent is one standalone module: run as a process, it starts and stops on SIGTERM', async () => {
    const w = await running(false);
    const download = await api(server).get('/bin/coder-agent.mjs');
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toMatch(/^text\/javascript/);
    const dir = await mkdtemp(path.join(tmpdir(), 'agent-'));
    const file = path.join(dir, 'agent.mjs');
    await writeFile(file, download.text);
    const child = spawn(process.execPath, [file, '--url', server.url], { cwd: dir, env: { ...process.env, CODER_AGENT_TOKEN: w.token, NODE_OPTIONS: '' } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const lifecycle = () => api(server, member.token).get(`/api/v2/workspaceagents/${w.agentId}`).then((r) => r.body.lifecycle_state as string);
    expect(await until(lifecycle, (s) => s === 'ready', 20_000)).toBe('ready');
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(out).toContain('agent "main" ready');
    expect(await lifecycle()).toBe('off');
  });
});
