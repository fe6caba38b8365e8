import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, createFirstUser, type FirstUser } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('server smoke', () => {
  let server: TestServer;
  let owner: FirstUser;
  beforeAll(async () => {
    server = await startTestServer();
    owner = await createFirstUser(server);
  });
  afterAll(() => server.close());

  it('answers /healthz', async () => {
    const res = await api(server).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.text).toBe('OK');
  });

  it('returns the owner from /users/me', async () => {
    const res = await api(server, owner.token).get('/api/v2/users/me');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: owner.id, username: 'owner', roles: [{ name: 'owner', display_name: 'Owner' }] });
  });
});
