// The OAuth2 provider's management API (/api/v2/oauth2-provider/apps): behind the `oauth2`
// experiment (or CODER_OAUTH2_PROVIDER_ENABLE, or development mode), apps and their secrets, shown
// once and kept as sha256, Coder's 404 for a missing app, and who may do what.
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const APPS = '/api/v2/oauth2-provider/apps';

describe('OAuth2 provider apps', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;

  beforeAll(async () => {
    server = await startTestServer({ env: { CODER_EXPERIMENTS: 'oauth2' } });
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
  });
  afterAll(() => server.close());

  const admin = () => api(server, owner.token);
  const create = (name: string, extra: Record<string, unknown> = {}) => admin().post(APPS).send({ name, callback_url: 'https://app.example.com/callback', icon: '/icon/app.svg', ...extra });

  it('is off without the experiment, with Coder\'s message; CODER_OAUTH2_PROVIDER_ENABLE and development mode turn it on', async () => {
    const off = await startTestServer({ databaseUrl: server.databaseUrl });
    try {
      const res = await api(off, owner.token).get(APPS);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: "OAuth2 functionality requires enabling the 'oauth2' experiment." });
    } finally {
      await off.close();
    }
    for (const env of [{ CODER_OAUTH2_PROVIDER_ENABLE: 'true' }, { CODER_DEV_MODE: 'true' }] as Array<Record<string, string>>) {
      const on = await startTestServer({ databaseUrl: server.databaseUrl, env });
      try {
        expect((await api(on, owner.token).get(APPS)).status).toBe(200);
      } finally {
        await on.close();
      }
    }
  });

  it('creates, reads, lists, updates and deletes an app; a missing app is 404', async () => {
    const res = await create('Claude Desktop');
    expect(res.status).toBe(201);
    const base = server.config.accessUrl.replace(/\/+$/, '');
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'Claude Desktop',
      callback_url: 'https://app.example.com/callback',
      redirect_uris: ['https://app.example.com/callback'],
      icon: '/icon/app.svg',
      endpoints: { authorization: `${base}/oauth2/authorize`, token: `${base}/oauth2/tokens`, device_authorization: '' },
    });
    const id = res.body.id as string;
    expect((await admin().get(`${APPS}/${id}`)).body.name).toBe('Claude Desktop');
    expect((await admin().get(APPS)).body.map((a: { id: string }) => a.id)).toContain(id);
    // Members may read apps (the consent page names them), not change them.
    expect((await api(server, member.token).get(`${APPS}/${id}`)).status).toBe(200);
    expect((await api(server, member.token).put(`${APPS}/${id}`).send({ name: 'x', callback_url: 'https://x.example.com' })).status).toBe(403);
    const put = await admin().put(`${APPS}/${id}`).send({ name: 'Claude', callback_url: 'https://claude.example.com/cb' });
    expect(put.status).toBe(200);
    // A missing icon is cleared; missing redirect URIs are kept.
    expect(put.body).toMatchObject({ name: 'Claude', icon: '', callback_url: 'https://claude.example.com/cb', redirect_uris: ['https://app.example.com/callback'] });
    expect((await admin().delete(`${APPS}/${id}`)).status).toBe(204);
    for (const path of [`${APPS}/${id}`, `${APPS}/${randomUUID()}`, `${APPS}/not-a-uuid`]) {
      const missing = await admin().get(path);
      expect(missing.status).toBe(404);
      expect(missing.body.message).toBeDefined();
    }
  });

  it('refuses bad input field by field, and a taken name in any case with 409', async () => {
    const bad = await admin().post(APPS).send({ name: '', callback_url: 'not a url', redirect_uris: ['nope'] });
    expect(bad.status).toBe(400);
    expect(bad.body.validations.map((v: { field: string }) => v.field).sort()).toEqual(['callback_url', 'name', 'redirect_uris']);
    expect((await create('Unique App')).status).toBe(201);
    const dup = await create('UNIQUE app');
    expect(dup.status).toBe(409);
    expect(dup.body.validations).toEqual([{ field: 'name', detail: expect.any(String) }]);
    expect((await api(server, member.token).post(APPS).send({ name: 'Mine', callback_url: 'https://m.example.com' })).status).toBe(403);
  });

  it('shows a secret once, keeps only its sha256, lists it truncated and deletes it', async () => {
    const app = (await create(`Secrets ${randomUUID().slice(0, 8)}`)).body;
    const created = await admin().post(`${APPS}/${app.id}/secrets`);
    expect(created.status).toBe(201);
    // Nothing here may be cached (Coder sends no-store on every OAuth2 answer), errors included.
    expect(created.headers).toMatchObject({ 'cache-control': 'no-store', pragma: 'no-cache' });
    expect((await admin().get(`${APPS}/${randomUUID()}`)).headers['cache-control']).toBe('no-store');
    const full = created.body.client_secret_full as string;
    expect(full).toMatch(/^coder_[A-Za-z0-9]{10}_[A-Za-z0-9]{40}$/);
    const [, prefix, secret] = full.split('_');
    const [row] = await server.sql<{ secret_prefix: string; hashed_secret: Buffer }>(`SELECT secret_prefix, hashed_secret FROM oauth2_provider_app_secrets WHERE id = $1`, [created.body.id]);
    expect(row!.secret_prefix).toBe(prefix);
    expect(row!.hashed_secret.equals(createHash('sha256').update(secret!).digest())).toBe(true);
    expect(JSON.stringify(await server.sql(`SELECT * FROM oauth2_provider_app_secrets`))).not.toContain(secret);
    const list = await admin().get(`${APPS}/${app.id}/secrets`);
    expect(list.body).toEqual([{ id: created.body.id, last_used_at: null, client_secret_truncated: expect.stringMatching(new RegExp(`^\\*+${secret!.slice(-6)}$`)) }]);
    // Secrets are for admins only.
    expect((await api(server, member.token).get(`${APPS}/${app.id}/secrets`)).status).toBe(403);
    expect((await api(server, member.token).post(`${APPS}/${app.id}/secrets`)).status).toBe(403);
    expect((await admin().delete(`${APPS}/${app.id}/secrets/${randomUUID()}`)).status).toBe(404);
    expect((await admin().delete(`${APPS}/${app.id}/secrets/${created.body.id}`)).status).toBe(204);
    expect((await admin().get(`${APPS}/${app.id}/secrets`)).body).toEqual([]);
    expect((await admin().post(`${APPS}/${randomUUID()}/secrets`)).status).toBe(404);
  });
});
