// GET /workspaces/{ws}/external-agent/{agent}/credentials (licensed workspace_external_agent): 403
// until a license entitles it, then Coder's command and a token that authenticates the agent, derived
// again on each read (never stored), new with every build; Coder's 404s; update permission needed.
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../../support/fixtures.js';
import { testPublicKeysFile, uploadLicense, validLicense } from '../../support/licenses.js';
import { createTemplate, waitForBuild } from '../../support/templates.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

const doc = (os = 'linux', arch = 'amd64') => ({
  resources: [
    {
      name: 'box',
      type: 'null_resource',
      agents: [
        { name: 'outside', external: true, operating_system: os, architecture: arch },
        { name: 'inside', token: randomUUID() },
      ],
    },
  ],
});

describe('external agent credentials', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;
  let other: TestUser;
  let seq = 0;

  beforeAll(async () => {
    server = await startTestServer({ env: { CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile() } });
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
    other = await createUser(server, owner);
  });
  afterAll(() => server.close());

  async function workspace(d: unknown = doc()) {
    const t = await createTemplate(server, owner.token, owner.orgId, `extcred-${++seq}`, d);
    const ws = await api(server, member.token).post('/api/v2/users/me/workspaces').send({ name: `extcred-${seq}`, template_id: t.id });
    expect(ws.status).toBe(201);
    await waitForBuild(server, member.token, ws.body.latest_build.id);
    return ws.body.id as string;
  }
  const credentials = (token: string, ws: string, agent: string) => api(server, token).get(`/api/v2/workspaces/${ws}/external-agent/${agent}/credentials`);
  const manifest = (agentToken: string) => api(server).get('/api/v2/workspaceagents/me/manifest').set('Coder-Session-Token', agentToken);

  it('answers 403 until a license entitles workspace_external_agent, then the command and a working token', async () => {
    const ws = await workspace();
    const before = await credentials(member.token, ws, 'outside');
    expect(before.status).toBe(403);
    expect((await uploadLicense(server, owner.token, await validLicense({ workspace_external_agent: 1 }))).status).toBe(201);
    const res = await credentials(member.token, ws, 'outside');
    expect(res.status).toBe(200);
    const token = res.body.agent_token as string;
    expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const base = server.config.accessUrl.replace(/\/+$/, '');
    expect(res.body.command).toBe(`curl -fsSL "${base}/api/v2/init-script/linux/amd64" | CODER_AGENT_TOKEN="${token}" sh`);
    const m = await manifest(token);
    expect(m.status).toBe(200);
    expect(m.body.agent_name).toBe('outside');
    // The same token on every read; only its hash is stored.
    expect((await credentials(owner.token, ws, 'outside')).body.agent_token).toBe(token);
    const [row] = await server.sql<{ hashed: Buffer; external: boolean }>(`SELECT hashed_auth_token AS hashed, external FROM workspace_agents WHERE id = $1`, [m.body.agent_id]);
    expect(row!.external).toBe(true);
    expect(row!.hashed.equals(createHash('sha256').update(token).digest())).toBe(true);
  });

  it("answers Coder's 404s: no external agent in the build, an unknown name, an agent that is not external", async () => {
    const ws = await workspace();
    expect((await credentials(member.token, ws, 'nope')).body.message).toBe("External agent 'nope' not found in workspace.");
    expect((await credentials(member.token, ws, 'inside')).status).toBe(404);
    const plain = await workspace({ resources: [{ name: 'box', type: 'null_resource', agents: [{ name: 'main' }] }] });
    const none = await credentials(member.token, plain, 'main');
    expect(none.status).toBe(404);
    expect(none.body.message).toBe('Workspace does not have an external agent.');
    // Another member cannot read the workspace at all.
    expect((await credentials(other.token, ws, 'outside')).status).toBe(404);
  });

  it('a new build gives the agent a new token; the old one stops working', async () => {
    const ws = await workspace();
    const first = (await credentials(member.token, ws, 'outside')).body.agent_token as string;
    const stop = await api(server, member.token).post(`/api/v2/workspaces/${ws}/builds`).send({ transition: 'stop' });
    await waitForBuild(server, member.token, stop.body.id);
    const start = await api(server, member.token).post(`/api/v2/workspaces/${ws}/builds`).send({ transition: 'start' });
    await waitForBuild(server, member.token, start.body.id);
    const second = (await credentials(member.token, ws, 'outside')).body.agent_token as string;
    expect(second).not.toBe(first);
    expect((await manifest(first)).status).toBe(401);
    expect((await manifest(second)).status).toBe(200);
  });

  it('a Windows agent gets the PowerShell command', async () => {
    const ws = await workspace(doc('windows', 'arm64'));
    const res = await credentials(member.token, ws, 'outside');
    const base = server.config.accessUrl.replace(/\/+$/, '');
    expect(res.body.command).toBe(`$env:CODER_AGENT_TOKEN="${res.body.agent_token}"; iwr -useb "${base}/api/v2/init-script/windows/arm64" | iex`);
  });
});
