import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { api, PASSWORD } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const TOKEN_RE = /^[A-Za-z0-9]{10}-[A-Za-z0-9]{22}$/;

/** The same server on the Express adapter (CODER_HTTP_ADAPTER=express) must behave exactly like the Fastify one. */
describe('Express adapter', () => {
  let server: TestServer;
  let token: string;
  let ownerId: string;

  beforeAll(async () => {
    server = await startTestServer({ env: { CODER_HTTP_ADAPTER: 'express', CODER_MAX_TOKEN_LIFETIME: '720h' } });
  });
  afterAll(() => server.close());

  it('runs on Express', () => {
    expect(server.config.httpAdapter).toBe('express');
    expect(server.app.getHttpAdapter().getType()).toBe('express');
  });

  it('answers /healthz', async () => {
    const res = await api(server).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.text).toBe('OK');
  });

  it('creates the first user (201)', async () => {
    const before = await api(server).get('/api/v2/users/first');
    expect(before.status).toBe(404);
    const res = await api(server).post('/api/v2/users/first').send({ email: 'owner@example.com', username: 'owner', password: PASSWORD });
    expect(res.status).toBe(201);
    expect(res.body.user_id).toEqual(expect.any(String));
    expect(res.body.organization_id).toEqual(expect.any(String));
    ownerId = res.body.user_id;
    expect((await api(server).get('/api/v2/users/first')).status).toBe(200);
  });

  it('logs in, returning the session token and setting it as the coder_session_token cookie', async () => {
    const res = await api(server).post('/api/v2/users/login').send({ email: 'owner@example.com', password: PASSWORD });
    expect(res.status).toBe(201);
    expect(res.body.session_token).toMatch(TOKEN_RE);
    token = res.body.session_token;
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    const session = cookies.find((c) => c.startsWith('coder_session_token='));
    expect(session).toBeDefined();
    expect(session).toContain(`coder_session_token=${token}`);
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/Path=\//);
  });

  it('GET /users/me works with the cookie and with the header', async () => {
    const viaCookie = await request(server.url).get('/api/v2/users/me').set('Cookie', `coder_session_token=${token}`);
    expect(viaCookie.status).toBe(200);
    expect(viaCookie.body).toMatchObject({ id: ownerId, username: 'owner', roles: [{ name: 'owner', display_name: 'Owner' }] });
    const viaHeader = await api(server, token).get('/api/v2/users/me');
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.body.id).toBe(ownerId);
  });

  it('refuses a request without a token with Coder\'s 401 body and WWW-Authenticate', async () => {
    const res = await api(server).get('/api/v2/users/me');
    expect(res.status).toBe(401);
    expect(res.body.message).toBe('You are signed out or your session has expired. Please sign in again to continue.');
    expect(res.headers['www-authenticate']).toContain('Bearer realm="coder"');
  });

  it('routes the static GET /users/roles, not /users/{user}', async () => {
    const res = await api(server, token).get('/api/v2/users/roles');
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    expect(res.body.length).toBeGreaterThan(0);
    for (const r of res.body) {
      expect(r).toHaveProperty('name');
      expect(r).toHaveProperty('assignable');
    }
    expect(res.body.map((r: { name: string }) => r.name)).toContain('owner');
  });

  it('routes the static GET .../keys/tokens/tokenconfig, not .../keys/tokens/{name}', async () => {
    const res = await api(server, token).get('/api/v2/users/me/keys/tokens/tokenconfig');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ max_token_lifetime: 720 * 3600 * 1_000_000_000 });
  });

  it('answers an unknown route with 404 and Coder\'s error body', async () => {
    const res = await api(server, token).get('/api/v2/this-route-does-not-exist');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toEqual({ message: 'Route not found.' });
  });

  it('answers malformed JSON with 400 and Coder\'s error body', async () => {
    const res = await request(server.url)
      .post('/api/v2/users/me/keys/tokens')
      .set('Coder-Session-Token', token)
      .set('Content-Type', 'application/json')
      .send('{"token_name": ');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body.message).toBe('Request body must be valid JSON.');
    expect(Object.keys(res.body).every((k) => ['message', 'detail', 'validations'].includes(k))).toBe(true);
  });

  it('answers a validation failure with 400 "Validation failed." naming the field', async () => {
    const res = await api(server, token).post('/api/v2/users/me/keys/tokens').send({ token_name: 'x', lifetime: 'forever' });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('Validation failed.');
    expect(res.body.validations).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'lifetime' })]));
    expect(res.body.validations.every((v: { detail: unknown }) => typeof v.detail === 'string')).toBe(true);
  });

  it('refuses a lifetime over the maximum with a `lifetime` validation', async () => {
    const res = await api(server, token)
      .post('/api/v2/users/me/keys/tokens')
      .send({ token_name: 'too-long', lifetime: 721 * 3600 * 1_000_000_000 });
    expect(res.status).toBe(400);
    expect(res.body.validations).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'lifetime' })]));
  });

  it('creates a token and reads it back by name (route params work on Express)', async () => {
    const created = await api(server, token).post('/api/v2/users/me/keys/tokens').send({ token_name: 'express-token' });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(TOKEN_RE);
    const read = await api(server, token).get('/api/v2/users/owner/keys/tokens/express-token');
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: created.body.key.split('-')[0], token_name: 'express-token', user_id: ownerId });
  });
});
