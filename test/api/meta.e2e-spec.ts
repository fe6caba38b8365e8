import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, createFirstUser, createUser, PASSWORD, type FirstUser, type TestUser } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('general routes', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;
  beforeAll(async () => {
    server = await startTestServer({ env: { CODER_ACCESS_URL: 'https://coder.example.com', CODER_EXPERIMENTS: 'oauth2, mcp-server-http' } });
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
  });
  afterAll(() => server.close());

  it('GET /api/v2/buildinfo describes the deployment without a session', async () => {
    const res = await api(server).get('/api/v2/buildinfo');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dashboard_url: 'https://coder.example.com', workspace_proxy: false, telemetry: false });
    expect(res.body.deployment_id).toMatch(UUID);
    const [row] = await server.sql<{ value: string }>(`SELECT value FROM site_configs WHERE key = 'deployment_id'`);
    expect(res.body.deployment_id).toBe(row.value);
  });

  it('GET /api/v2/experiments lists CODER_EXPERIMENTS to signed-in users', async () => {
    const res = await api(server, member.token).get('/api/v2/experiments');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(['oauth2', 'mcp-server-http']);
    expect((await api(server).get('/api/v2/experiments')).status).toBe(401);
  });

  it('GET /api/v2 answers with a message', async () => {
    const res = await api(server).get('/api/v2');
    expect(res.status).toBe(200);
    expect(typeof res.body.message).toBe('string');
  });

  it('every response carries a request id, errors included', async () => {
    const ok = await api(server).get('/healthz');
    const missing = await api(server).get('/api/v2/no-such-route');
    expect(ok.headers['x-coder-request-id']).toMatch(UUID);
    expect(missing.headers['x-coder-request-id']).toMatch(UUID);
    expect(ok.headers['x-coder-request-id']).not.toBe(missing.headers['x-coder-request-id']);
  });

  describe('POST /api/v2/authcheck', () => {
    const checks = (orgId: string, ownerId: string) => ({
      checks: {
        readAllUsers: { object: { resource_type: 'user' }, action: 'read' },
        updateOwnProfile: { object: { resource_type: 'user', owner_id: ownerId, resource_id: ownerId }, action: 'update_personal' },
        readOrgMembers: { object: { resource_type: 'organization_member', organization_id: orgId }, action: 'read' },
        assignOrgRoles: { object: { resource_type: 'assign_org_role', organization_id: orgId }, action: 'assign' },
        createUsers: { object: { resource_type: 'user' }, action: 'create' },
        membersInAnyOrg: { object: { resource_type: 'organization_member', any_org: true }, action: 'read' },
      },
    });

    it('answers each named check for the owner', async () => {
      const res = await api(server, owner.token).post('/api/v2/authcheck').send(checks(owner.orgId, owner.id));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        readAllUsers: true,
        updateOwnProfile: true,
        readOrgMembers: true,
        assignOrgRoles: true,
        createUsers: true,
        membersInAnyOrg: true,
      });
    });

    it('answers each named check for a member', async () => {
      const res = await api(server, member.token).post('/api/v2/authcheck').send(checks(owner.orgId, member.id));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        readAllUsers: false,
        updateOwnProfile: true,
        readOrgMembers: true,
        assignOrgRoles: false,
        createUsers: false,
        membersInAnyOrg: true,
      });
    });

    it('rejects unknown resource types and actions with the field named', async () => {
      const badType = await api(server, owner.token)
        .post('/api/v2/authcheck')
        .send({ checks: { x: { object: { resource_type: 'spaceship' }, action: 'read' } } });
      expect(badType.status).toBe(400);
      expect(badType.body.validations).toEqual([{ field: 'checks.x.object.resource_type', detail: expect.any(String) }]);
      const badAction = await api(server, owner.token)
        .post('/api/v2/authcheck')
        .send({ checks: { y: { object: { resource_type: 'user' }, action: 'fly' } } });
      expect(badAction.status).toBe(400);
      expect(badAction.body.validations).toEqual([{ field: 'checks.y.action', detail: expect.any(String) }]);
    });

    it('rejects malformed checks with 400, never 500', async () => {
      for (const body of [{ checks: { z: 'nope' } }, { checks: { z: { object: {}, action: 'read' } } }, { checks: [] }, {}]) {
        const res = await api(server, owner.token).post('/api/v2/authcheck').send(body);
        expect(res.status).toBe(400);
        expect(typeof res.body.message).toBe('string');
      }
    });

    it('needs a session', async () => {
      const res = await api(server).post('/api/v2/authcheck').send(checks(owner.orgId, owner.id));
      expect(res.status).toBe(401);
    });
  });
});

describe('graceful shutdown', () => {
  it('finishes a request that is in flight when the server is closed', async () => {
    const server = await startTestServer();
    const owner = await createFirstUser(server, 'shutdown-owner');
    const body = JSON.stringify({ email: owner.email, password: PASSWORD });
    const port = Number(new URL(server.url).port);
    const requestSeen = new Promise((resolve) => server.app.getHttpServer().once('request', resolve));
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let response = '';
    socket.on('data', (chunk) => (response += chunk.toString()));
    const ended = new Promise((resolve) => socket.once('close', resolve));
    // Everything but the last byte of the body: the server holds an unfinished request.
    socket.write(
      `POST /api/v2/users/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
        body.slice(0, -1),
    );
    await requestSeen; // headers parsed: the request is in flight
    const closing = server.close();
    socket.write(body.slice(-1));
    await closing;
    await ended;
    expect(response).toMatch(/^HTTP\/1\.1 201/);
    expect(response).toContain('session_token');
    // And the server no longer accepts connections.
    await expect(
      new Promise((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1');
        s.once('connect', () => (s.destroy(), resolve('connected')));
        s.once('error', reject);
      }),
    ).rejects.toThrow();
  });
});
