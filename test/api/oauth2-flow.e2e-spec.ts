// The OAuth2 provider's protocol, driven by a real client library (oauth4webapi): discovery, the
// code flow with PKCE and resource indicators, refresh rotation and reuse detection, revocation,
// dynamic registration with RFC 7592 management, and the answers to what goes wrong.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oauth from 'oauth4webapi';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../support/fixtures.js';
import { consent, csrfTokenOf, openConsent } from '../support/oauth2.js';
import { pollStatus } from '../support/poll.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const CALLBACK = 'https://client.example.com/callback';
const insecure = { [oauth.allowInsecureRequests]: true };

// Forms, wildcard routes and CORS are adapter-specific: the whole protocol runs on both.
describe.each(['fastify', 'express'])('OAuth2 protocol on %s', (adapter) => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;
  let as: oauth.AuthorizationServer;
  let issuer: string;
  let app: { id: string; secret: string };

  beforeAll(async () => {
    server = await startTestServer({ realAccessUrl: true, env: { CODER_EXPERIMENTS: 'oauth2', CODER_HTTP_ADAPTER: adapter } });
    issuer = server.url;
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
    as = await oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), { algorithm: 'oauth2', ...insecure }));
    app = await adminApp('Integration');
  });
  afterAll(() => server.close());

  async function adminApp(name: string): Promise<{ id: string; secret: string }> {
    const created = await api(server, owner.token).post('/api/v2/oauth2-provider/apps').send({ name, callback_url: CALLBACK });
    expect(created.status).toBe(201);
    const secret = await api(server, owner.token).post(`/api/v2/oauth2-provider/apps/${created.body.id}/secrets`);
    return { id: created.body.id, secret: secret.body.client_secret_full };
  }

  /** An authorization URL with PKCE; `extra` overrides or removes (undefined) parameters. */
  async function authorizeUrl(clientId: string, extra: Record<string, string | undefined> = {}) {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const u = new URL(as.authorization_endpoint!);
    const params: Record<string, string | undefined> = {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: CALLBACK,
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      resource: issuer,
      ...extra,
    };
    for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
    return { url: u.toString(), verifier, state };
  }

  /** The whole code flow for a confidential client: answers oauth4webapi's token response. */
  async function codeFlow(a = app, user: TestUser = member, extra: Record<string, string | undefined> = {}) {
    const client: oauth.Client = { client_id: a.id };
    const { url, verifier, state } = await authorizeUrl(a.id, extra);
    const back = await consent(url, user.token);
    const params = oauth.validateAuthResponse(as, client, back, state);
    const res = await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretBasic(a.secret), params, CALLBACK, verifier, {
      ...insecure,
      additionalParameters: extra.resource === undefined && 'resource' in extra ? {} : { resource: extra.resource ?? issuer },
    });
    return oauth.processAuthorizationCodeResponse(as, client, res);
  }

  const me = (token: string) => fetch(`${server.url}/api/v2/users/me`, { headers: { authorization: `Bearer ${token}` } });

  const tokenForm = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(as.token_endpoint!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() });

  describe('discovery', () => {
    it('serves RFC 8414 metadata in Coder\'s key order, plus CIMD and iss support', async () => {
      const res = await fetch(`${server.url}/.well-known/oauth-authorization-server`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBeNull();
      const body = (await res.json()) as Record<string, unknown>;
      expect(Object.keys(body)).toEqual([
        'issuer', 'authorization_endpoint', 'token_endpoint', 'registration_endpoint', 'revocation_endpoint', 'response_types_supported',
        'grant_types_supported', 'code_challenge_methods_supported', 'scopes_supported', 'token_endpoint_auth_methods_supported',
        'client_id_metadata_document_supported', 'authorization_response_iss_parameter_supported',
      ]);
      expect(body).toMatchObject({
        issuer,
        authorization_endpoint: `${issuer}/oauth2/authorize`,
        token_endpoint: `${issuer}/oauth2/tokens`,
        registration_endpoint: `${issuer}/oauth2/register`,
        revocation_endpoint: `${issuer}/oauth2/revoke`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      });
      expect(body.scopes_supported).toContain('coder:all');
      const sub = await fetch(`${server.url}/.well-known/oauth-authorization-server/some/path`);
      expect(await sub.json()).toEqual(body);
    });

    it('serves RFC 9728 metadata at the root and under any resource path, for oauth4webapi too', async () => {
      const root = (await (await fetch(`${server.url}/.well-known/oauth-protected-resource`)).json()) as Record<string, unknown>;
      expect(root).toEqual({ resource: issuer, authorization_servers: [issuer], scopes_supported: expect.arrayContaining(['coder:all']), bearer_methods_supported: ['header', 'query'] });
      const sub = await fetch(`${server.url}/.well-known/oauth-protected-resource/api/experimental/mcp/http`);
      expect(await sub.json()).toEqual(root);
      const rs = await oauth.processResourceDiscoveryResponse(new URL(issuer), await oauth.resourceDiscoveryRequest(new URL(issuer), insecure));
      expect(rs.authorization_servers).toEqual([issuer]);
    });

    it('answers 401s with an RFC 6750 challenge naming the resource metadata', async () => {
      const res = await fetch(`${server.url}/api/v2/users/me`);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(
        `Bearer realm="coder", error="invalid_token", error_description="The access token has expired", resource_metadata="${issuer}/.well-known/oauth-protected-resource"`,
      );
    });

    it('is behind the oauth2 experiment', async () => {
      const off = await startTestServer({ databaseUrl: server.databaseUrl, env: { CODER_HTTP_ADAPTER: adapter } });
      try {
        for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/oauth-protected-resource']) {
          const res = await fetch(`${off.url}${path}`);
          expect(res.status).toBe(403);
          expect(await res.json()).toEqual({ message: "OAuth2 functionality requires enabling the 'oauth2' experiment." });
        }
        const token = await fetch(`${off.url}/oauth2/tokens`, { method: 'POST' });
        expect(token.status).toBe(403);
      } finally {
        await off.close();
      }
    });
  });

  describe('authorization code flow', () => {
    it('issues tokens that authenticate as the user, with Bearer or access_token, and carry no-store', async () => {
      const tokens = await codeFlow();
      expect(tokens.token_type).toBe('bearer');
      expect(tokens.expires_in).toBe(24 * 3600);
      expect(tokens.refresh_token).toMatch(/^coder_[A-Za-z0-9]{10}_[A-Za-z0-9]{40}$/);
      expect(tokens.access_token).toMatch(/^[A-Za-z0-9]{10}-[A-Za-z0-9]{22}$/);
      const res = await me(tokens.access_token);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { id: string }).id).toBe(member.id);
      const query = await fetch(`${server.url}/api/v2/users/me?access_token=${tokens.access_token}`);
      expect(query.status).toBe(200);
      const [key] = await server.sql<{ login_type: string; token_name: string; scopes: string[] }>(`SELECT login_type, token_name, scopes FROM api_keys WHERE id = $1`, [tokens.access_token.split('-')[0]]);
      expect(key).toEqual({ login_type: 'oauth2_provider_app', token_name: `${member.id}_${app.id}_oauth_session_token`, scopes: ['coder:all'] });
      // Only hashes are kept.
      const [row] = await server.sql<{ refresh_hash: Buffer }>(`SELECT refresh_hash FROM oauth2_provider_app_tokens WHERE api_key_id = $1`, [tokens.access_token.split('-')[0]]);
      expect(row.refresh_hash.toString('utf8')).not.toContain(tokens.refresh_token!.split('_')[2]);
    });

    it('token answers are not cacheable and carry Coder\'s expiry', async () => {
      const { url, verifier } = await authorizeUrl(app.id);
      const code = (await consent(url, member.token)).searchParams.get('code')!;
      const res = await tokenForm({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: CALLBACK, resource: issuer, client_id: app.id, client_secret: app.secret });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('pragma')).toBe('no-cache');
      const body = (await res.json()) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'expiry', 'refresh_token', 'scope', 'token_type']);
      expect(body.token_type).toBe('Bearer');
      expect(Date.parse(body.expiry as string)).toBeGreaterThan(Date.now());
    });

    it('keeps one live token per user and app: a new exchange replaces the previous one', async () => {
      const first = await codeFlow();
      const second = await codeFlow();
      expect((await me(first.access_token)).status).toBe(401);
      expect((await me(second.access_token)).status).toBe(200);
    });

    it('a requested scope narrows the token: it cannot do what the scope does not grant', async () => {
      const tokens = await codeFlow(app, member, { scope: 'user:read' });
      expect(tokens.scope).toBe('user:read');
      expect((await me(tokens.access_token)).status).toBe(200);
      const res = await fetch(`${server.url}/api/v2/users/me/keys/tokens`, { method: 'POST', headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(403);
    });
  });

  describe('refresh', () => {
    it('rotates on every use; reusing a used refresh token revokes the whole family', async () => {
      const client: oauth.Client = { client_id: app.id };
      const auth = oauth.ClientSecretPost(app.secret);
      const first = await codeFlow();
      const second = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, first.refresh_token!, insecure));
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect((await me(first.access_token)).status).toBe(401);
      expect((await me(second.access_token)).status).toBe(200);
      const third = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, second.refresh_token!, insecure));
      expect((await me(third.access_token)).status).toBe(200);

      // The first refresh token again: someone kept a copy.
      const reuse = await oauth.refreshTokenGrantRequest(as, client, auth, first.refresh_token!, insecure);
      await expect(oauth.processRefreshTokenResponse(as, client, reuse)).rejects.toMatchObject({ error: 'invalid_grant', error_description: 'The refresh token is invalid or expired' });
      expect((await me(third.access_token)).status).toBe(401);
      const after = await oauth.refreshTokenGrantRequest(as, client, auth, third.refresh_token!, insecure);
      await expect(oauth.processRefreshTokenResponse(as, client, after)).rejects.toMatchObject({ error: 'invalid_grant' });
    });

    it('refuses a refresh with another resource, a wider scope, or a wrong client secret', async () => {
      const tokens = await codeFlow(app, member, { scope: 'user:read workspace:read' });
      const base = { grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: app.id, client_secret: app.secret };
      const resource = await tokenForm({ ...base, resource: 'https://other.example.com' });
      expect(resource.status).toBe(400);
      expect(await resource.json()).toEqual({ error: 'invalid_target', error_description: 'The resource parameter is invalid' });
      const wider = await tokenForm({ ...base, scope: 'coder:all' });
      expect(wider.status).toBe(400);
      expect(((await wider.json()) as { error: string }).error).toBe('invalid_scope');
      const secret = await tokenForm({ ...base, client_secret: `${app.secret.slice(0, -1)}x` });
      expect(secret.status).toBe(401);
      expect(secret.headers.get('www-authenticate')).toBe('Basic realm="coder"');
      expect(await secret.json()).toEqual({ error: 'invalid_client', error_description: 'The client credentials are invalid' });
      // None of those used the token up: a narrower scope still refreshes.
      const narrower = await tokenForm({ ...base, scope: 'user:read' });
      expect(narrower.status).toBe(200);
      expect(((await narrower.json()) as { scope: string }).scope).toBe('user:read');
    });
  });

  describe('with two replicas', () => {
    it('a key rotated or revoked on one replica stops working on the other within 2 seconds, though that one had it cached', async () => {
      // Replicas of one deployment share its access URL (the tokens' audience).
      const b = await startTestServer({ databaseUrl: server.databaseUrl, env: { CODER_EXPERIMENTS: 'oauth2', CODER_HTTP_ADAPTER: adapter, CODER_ACCESS_URL: server.config.accessUrl } });
      try {
        const onB = (token: string) => fetch(`${b.url}/api/v2/users/me`, { headers: { authorization: `Bearer ${token}` } });
        const first = await codeFlow();
        expect((await onB(first.access_token)).status).toBe(200);
        const rotated = await tokenForm({ grant_type: 'refresh_token', refresh_token: first.refresh_token!, client_id: app.id, client_secret: app.secret });
        expect(rotated.status).toBe(200);
        expect(await pollStatus(() => onB(first.access_token), 401)).toBe(401);
        const second = (await rotated.json()) as { access_token: string; refresh_token: string };
        expect((await onB(second.access_token)).status).toBe(200);
        const revoked = await fetch(as.revocation_endpoint!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: second.refresh_token, client_id: app.id, client_secret: app.secret }).toString() });
        expect(revoked.status).toBe(200);
        expect(await pollStatus(() => onB(second.access_token), 401)).toBe(401);
      } finally {
        await b.close();
      }
    });
  });

  describe('revocation', () => {
    it('revoking the refresh token or the access token ends both (RFC 7009); unknown tokens are 200 too', async () => {
      const client: oauth.Client = { client_id: app.id };
      const auth = oauth.ClientSecretBasic(app.secret);
      const a = await codeFlow();
      await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, a.refresh_token!, { ...insecure, additionalParameters: { token_type_hint: 'refresh_token' } }));
      expect((await me(a.access_token)).status).toBe(401);
      const b = await codeFlow();
      await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, b.access_token, insecure));
      expect((await me(b.access_token)).status).toBe(401);
      const refresh = await oauth.refreshTokenGrantRequest(as, client, auth, b.refresh_token!, insecure);
      await expect(oauth.processRefreshTokenResponse(as, client, refresh)).rejects.toMatchObject({ error: 'invalid_grant' });
      const unknown = await oauth.revocationRequest(as, client, auth, 'coder_aaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', insecure);
      expect(unknown.status).toBe(200);
      expect(await unknown.text()).toBe('');
      const malformed = await fetch(as.revocation_endpoint!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=nonsense&client_id=${app.id}&client_secret=${app.secret}` });
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toEqual({ error: 'invalid_request', error_description: 'Invalid token format' });
    });

    it('another app cannot revoke this app\'s tokens', async () => {
      const other = await adminApp('Other app');
      const tokens = await codeFlow();
      const res = await oauth.revocationRequest(as, { client_id: other.id }, oauth.ClientSecretBasic(other.secret), tokens.refresh_token!, insecure);
      expect(res.status).toBe(200);
      expect((await me(tokens.access_token)).status).toBe(200);
    });

    it('a user withdraws an app (DELETE /oauth2/tokens); deleting the app or its secret revokes its tokens', async () => {
      const a = await codeFlow();
      const del = await fetch(`${server.url}/oauth2/tokens?client_id=${app.id}`, { method: 'DELETE', headers: { 'coder-session-token': member.token } });
      expect(del.status).toBe(204);
      expect((await me(a.access_token)).status).toBe(401);

      const doomed = await adminApp('Doomed');
      const b = await codeFlow(doomed);
      expect((await me(b.access_token)).status).toBe(200);
      expect((await api(server, owner.token).delete(`/api/v2/oauth2-provider/apps/${doomed.id}`)).status).toBe(204);
      expect((await me(b.access_token)).status).toBe(401);
      const gone = await tokenForm({ grant_type: 'refresh_token', refresh_token: b.refresh_token!, client_id: doomed.id, client_secret: doomed.secret });
      expect(gone.status).toBe(401);
      expect(((await gone.json()) as { error: string }).error).toBe('invalid_client');

      const rotated = await adminApp('Rotated secret');
      const c = await codeFlow(rotated);
      const [secret] = (await api(server, owner.token).get(`/api/v2/oauth2-provider/apps/${rotated.id}/secrets`)).body as Array<{ id: string }>;
      expect((await api(server, owner.token).delete(`/api/v2/oauth2-provider/apps/${rotated.id}/secrets/${secret.id}`)).status).toBe(204);
      expect((await me(c.access_token)).status).toBe(401);
    });
  });

  describe('what goes wrong at the token endpoint', () => {
    async function code(extra: Record<string, string | undefined> = {}) {
      const { url, verifier } = await authorizeUrl(app.id, extra);
      return { code: (await consent(url, member.token)).searchParams.get('code')!, verifier };
    }
    const exchange = (c: { code: string; verifier: string }, extra: Record<string, string> = {}) =>
      tokenForm({ grant_type: 'authorization_code', code: c.code, code_verifier: c.verifier, resource: issuer, client_id: app.id, client_secret: app.secret, ...extra });

    it('a wrong PKCE verifier is invalid_grant, and the code is used up', async () => {
      const c = await code();
      const wrong = await exchange({ ...c, verifier: oauth.generateRandomCodeVerifier() });
      expect(wrong.status).toBe(400);
      expect(await wrong.json()).toEqual({ error: 'invalid_grant', error_description: 'The PKCE code verifier is invalid' });
      const retry = await exchange(c);
      expect(await retry.json()).toEqual({ error: 'invalid_grant', error_description: 'The authorization code is invalid or expired' });
    });

    it('a resource other than the code\'s is invalid_target', async () => {
      const res = await exchange(await code(), { resource: `${issuer}/other` });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'invalid_target', error_description: 'The resource parameter is invalid' });
    });

    it('an expired code is invalid_grant', async () => {
      const c = await code();
      await server.sql(`UPDATE oauth2_provider_app_codes SET expires_at = now() - interval '1 second' WHERE secret_prefix = $1`, [c.code.split('_')[1]]);
      const res = await exchange(c);
      expect(await res.json()).toEqual({ error: 'invalid_grant', error_description: 'The authorization code is invalid or expired' });
    });

    it('a token for a foreign audience is refused on the API with 403 and an insufficient_scope challenge', async () => {
      const tokens = await codeFlow(app, member, { resource: 'https://mcp.elsewhere.example.com' });
      const res = await me(tokens.access_token);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ message: 'Token audience validation failed' });
      expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
      expect(res.headers.get('www-authenticate')).toContain(`resource_metadata="${issuer}/.well-known/oauth-protected-resource"`);
    });

    it('refuses unknown grants, missing fields, repeats, secrets in the query, conflicting credentials and JSON bodies', async () => {
      const cases: Array<[Response, number, string, string?]> = [
        [await tokenForm({ grant_type: 'password' }), 400, 'unsupported_grant_type', 'The grant type is missing or unsupported'],
        [await tokenForm({}), 400, 'unsupported_grant_type'],
        [await tokenForm({ grant_type: 'authorization_code' }), 400, 'invalid_request', 'Missing client_id parameter'],
        [await tokenForm({ grant_type: 'authorization_code', client_id: app.id }), 400, 'invalid_request', 'Missing required parameter: client_secret'],
        [await tokenForm({ grant_type: 'authorization_code', client_id: app.id, client_secret: app.secret }), 400, 'invalid_request', 'Missing required parameter: code'],
        [await tokenForm({ grant_type: 'authorization_code', client_id: 'not-a-uuid', client_secret: 'x' }), 401, 'invalid_client'],
        [await tokenForm({ grant_type: 'authorization_code', client_id: app.id, client_secret: app.secret, code: 'coder_x_y' }), 400, 'invalid_grant'],
        [await fetch(`${as.token_endpoint}?client_secret=${app.secret}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=authorization_code' }), 400, 'invalid_request', 'client_secret must not be sent in the query string'],
        [await fetch(as.token_endpoint!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=refresh_token&client_id=${app.id}&client_id=${app.id}` }), 400, 'invalid_request', 'Parameter "client_id" must not be repeated'],
        [await tokenForm({ grant_type: 'refresh_token', client_id: member.id }, { authorization: `Basic ${Buffer.from(`${app.id}:${app.secret}`).toString('base64')}` }), 400, 'invalid_request', 'Conflicting client credentials between Authorization header and request body'],
        [await fetch(as.token_endpoint!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"refresh_token"}' }), 400, 'invalid_request', 'The request body must be application/x-www-form-urlencoded'],
      ];
      for (const [res, status, error, description] of cases) {
        expect({ status: res.status, body: await res.json() }).toEqual({ status, body: description ? { error, error_description: description } : { error, error_description: expect.any(String) } });
      }
    });
  });

  describe('the authorization endpoint', () => {
    it('sends a browser without a session to the login page, which signs in and comes back', async () => {
      const { url } = await authorizeUrl(app.id);
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status).toBe(303);
      const login = new URL(res.headers.get('location')!, server.url);
      expect(login.pathname).toBe('/login');
      const back = login.searchParams.get('redirect')!;
      expect(`${server.url}${back}`).toBe(url);
      const page = await fetch(login);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toContain('Sign in to authorize Integration.');
      const wrong = await fetch(`${server.url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email: member.email, password: 'wrong', redirect: back }).toString(), redirect: 'manual' });
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).toContain('Incorrect email or password.');
      const signIn = await fetch(`${server.url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email: member.email, password: 'Correct-Horse-Battery-9', redirect: back }).toString(), redirect: 'manual' });
      expect(signIn.status).toBe(303);
      expect(signIn.headers.get('location')).toBe(back);
      const session = /coder_session_token=([^;]+)/.exec(signIn.headers.get('set-cookie') ?? '')?.[1];
      expect((await openConsent(url, session!)).status).toBe(200);
      // Never to another origin.
      const offsite = await fetch(`${server.url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email: member.email, password: 'Correct-Horse-Battery-9', redirect: '//evil.example.com/x' }).toString(), redirect: 'manual' });
      expect(offsite.headers.get('location')).toBe('/');
    });

    it('shows a consent page that cannot be framed, names the app and user, and carries a CSRF token', async () => {
      const { url } = await authorizeUrl(app.id);
      const shown = await openConsent(url, member.token);
      expect(shown.status).toBe(200);
      expect(shown.headers.get('x-frame-options')).toBe('DENY');
      expect(shown.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(shown.headers.get('referrer-policy')).toBe('no-referrer');
      expect(shown.headers.get('access-control-allow-origin')).toBeNull();
      expect(shown.page).toContain('Integration');
      expect(shown.page).toContain(member.username);
      expect(shown.page).toContain('Full access to your account');
      csrfTokenOf(shown.page);
    });

    it('refuses a consent post without a valid CSRF token (another user\'s, or none)', async () => {
      const { url } = await authorizeUrl(app.id);
      const ownersToken = csrfTokenOf((await openConsent(url, owner.token)).page);
      for (const body of [`decision=allow&csrf_token=${ownersToken}`, 'decision=allow']) {
        const res = await fetch(url, { method: 'POST', headers: { cookie: `coder_session_token=${member.token}`, 'content-type': 'application/x-www-form-urlencoded' }, body, redirect: 'manual' });
        expect(res.status).toBe(400);
        expect(((await res.json()) as { error: string }).error).toBe('invalid_request');
      }
    });

    it('the user may deny: access_denied goes back with state and iss', async () => {
      const { url, state } = await authorizeUrl(app.id);
      const back = await consent(url, member.token, 'deny');
      expect(back.origin + back.pathname).toBe(CALLBACK);
      expect(Object.fromEntries(back.searchParams)).toEqual({ error: 'access_denied', error_description: 'The resource owner or authorization server denied the request', state, iss: issuer });
    });

    it('keeps errors on the server until the client and redirect URI are known, and redirects them after', async () => {
      const missing = await fetch(`${as.authorization_endpoint}?response_type=code`, { headers: { cookie: `coder_session_token=${member.token}` }, redirect: 'manual' });
      expect(missing.status).toBe(400);
      expect(await missing.json()).toEqual({ error: 'invalid_request', error_description: 'Missing client_id parameter' });
      const unknown = await fetch(`${as.authorization_endpoint}?client_id=${member.id}`, { headers: { cookie: `coder_session_token=${member.token}` }, redirect: 'manual' });
      expect(unknown.status).toBe(401);
      expect(((await unknown.json()) as { error: string }).error).toBe('invalid_client');
      const bad = await openConsent((await authorizeUrl(app.id, { redirect_uri: 'https://evil.example.com/callback' })).url, member.token);
      expect(bad.status).toBe(400);
      expect(bad.page).toContain('Invalid Query Parameters');

      const redirected = async (extra: Record<string, string | undefined>) => {
        const { url, state } = await authorizeUrl(app.id, extra);
        const res = await fetch(url, { headers: { cookie: `coder_session_token=${member.token}` }, redirect: 'manual' });
        expect(res.status).toBe(302);
        const loc = new URL(res.headers.get('location')!);
        expect(loc.searchParams.get('state')).toBe(state);
        expect(loc.searchParams.get('iss')).toBe(issuer);
        return [loc.searchParams.get('error'), loc.searchParams.get('error_description')];
      };
      expect(await redirected({ response_type: 'token' })).toEqual(['unsupported_response_type', 'Only response_type=code is supported']);
      expect(await redirected({ code_challenge_method: 'plain' })).toEqual(['invalid_request', "code_challenge_method 'plain' is not supported; use 'S256'"]);
      expect(await redirected({ code_challenge: 'short' })).toEqual(['invalid_request', expect.stringContaining('43 to 128')]);
      expect(await redirected({ scope: 'no:such' })).toEqual(['invalid_scope', 'unknown scope: no:such']);
      expect(await redirected({ resource: 'https://x.example.com/#frag' })).toEqual(['invalid_target', 'resource must not contain a fragment']);
    });

    it('the omitted redirect_uri is the first registered; the registered query is kept', async () => {
      const created = await api(server, owner.token).post('/api/v2/oauth2-provider/apps').send({ name: 'With query', callback_url: 'https://q.example.com/cb?tenant=7&state=stale' });
      const { url } = await authorizeUrl(created.body.id, { redirect_uri: undefined });
      const back = await consent(url, member.token);
      expect(back.origin + back.pathname).toBe('https://q.example.com/cb');
      expect(back.searchParams.get('tenant')).toBe('7');
      expect(back.searchParams.getAll('state')).toHaveLength(1);
      expect(back.searchParams.get('code')).toMatch(/^coder_/);
    });
  });

  describe('dynamic client registration (RFC 7591, 7592)', () => {
    const register = (body: unknown) => fetch(`${server.url}/oauth2/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    it('registers a public client that then runs the whole flow with PKCE and no secret', async () => {
      const client = await oauth.processDynamicClientRegistrationResponse(
        await oauth.dynamicClientRegistrationRequest(as, { redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none', client_name: 'Native tool' }, insecure),
      );
      expect(client).toMatchObject({ client_name: 'Native tool', token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], redirect_uris: [CALLBACK] });
      expect(client.client_secret).toBeUndefined();
      expect(client.registration_client_uri).toBe(`${issuer}/oauth2/clients/${client.client_id}`);
      expect(typeof client.registration_access_token).toBe('string');

      const { url, verifier, state } = await authorizeUrl(client.client_id);
      const params = oauth.validateAuthResponse(as, client, await consent(url, member.token), state);
      const tokens = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, CALLBACK, verifier, { ...insecure, additionalParameters: { resource: issuer } }));
      expect((await me(tokens.access_token)).status).toBe(200);
      const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, insecure));
      expect((await me(refreshed.access_token)).status).toBe(200);

      // PKCE is required of a public client.
      const noPkce = await fetch((await authorizeUrl(client.client_id, { code_challenge: undefined, code_challenge_method: undefined })).url, { headers: { cookie: `coder_session_token=${member.token}` }, redirect: 'manual' });
      expect(new URL(noPkce.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    });

    it('a confidential registration gets a secret; RFC 7592 reads, replaces and deletes it with the registration token', async () => {
      const res = await register({ redirect_uris: ['http://127.0.0.1/cb'], client_name: 'Server tool', scope: 'user:read' });
      expect(res.status).toBe(201);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const reg = (await res.json()) as Record<string, string>;
      expect(reg.client_secret).toMatch(/^coder_/);
      expect(reg.token_endpoint_auth_method).toBe('client_secret_basic');
      const manage = (method: string, token: string | undefined, body?: unknown) =>
        fetch(reg.registration_client_uri, {
          method,
          headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      const read = await manage('GET', reg.registration_access_token);
      expect(read.status).toBe(200);
      const readBody = (await read.json()) as Record<string, unknown>;
      expect(readBody).toMatchObject({ client_id: reg.client_id, client_name: 'Server tool', scope: 'user:read' });
      expect(readBody.registration_access_token).toBeUndefined();
      expect(readBody.client_secret).toBeUndefined();

      expect((await manage('GET', undefined)).status).toBe(401);
      const wrong = await manage('GET', 'x'.repeat(40));
      expect(wrong.status).toBe(401);
      expect(await wrong.json()).toEqual({ error: 'invalid_token', error_description: 'Invalid registration access token' });
      const notId = await fetch(`${server.url}/oauth2/clients/nope`, { headers: { authorization: `Bearer ${reg.registration_access_token}` } });
      expect(notId.status).toBe(400);
      const adminMade = await fetch(`${server.url}/oauth2/clients/${app.id}`, { headers: { authorization: `Bearer ${reg.registration_access_token}` } });
      expect(adminMade.status).toBe(403);

      // The loopback redirect URI matches on any port (RFC 8252 7.3).
      const { url } = await authorizeUrl(reg.client_id, { redirect_uri: 'http://127.0.0.1:51234/cb', scope: undefined });
      const back = await consent(url, member.token);
      expect(back.host).toBe('127.0.0.1:51234');

      const put = await manage('PUT', reg.registration_access_token, { redirect_uris: ['https://new.example.com/cb'], client_name: 'Renamed' });
      expect(put.status).toBe(200);
      expect(await put.json()).toMatchObject({ client_name: 'Renamed', redirect_uris: ['https://new.example.com/cb'] });
      const flip = await manage('PUT', reg.registration_access_token, { redirect_uris: ['https://new.example.com/cb'], token_endpoint_auth_method: 'none' });
      expect(flip.status).toBe(400);
      expect(((await flip.json()) as { error: string }).error).toBe('invalid_client_metadata');
      expect((await manage('DELETE', reg.registration_access_token)).status).toBe(204);
      expect((await manage('GET', reg.registration_access_token)).status).toBe(401);
    });

    it('refuses metadata that breaks the rules, with RFC 7591 errors', async () => {
      const cases: Array<[unknown, string]> = [
        [{ client_name: 'x' }, 'invalid_redirect_uri'],
        [{ redirect_uris: ['http://app.example.com/cb'] }, 'invalid_redirect_uri'],
        [{ redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri'],
        [{ redirect_uris: ['https://a.example.com/cb#frag'] }, 'invalid_redirect_uri'],
        [{ redirect_uris: [CALLBACK], grant_types: ['client_credentials'] }, 'invalid_client_metadata'],
        [{ redirect_uris: [CALLBACK], grant_types: ['refresh_token'] }, 'invalid_client_metadata'],
        [{ redirect_uris: [CALLBACK], response_types: ['token'] }, 'invalid_client_metadata'],
        [{ redirect_uris: [CALLBACK], token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata'],
        [{ redirect_uris: [CALLBACK], logo_uri: 'ftp://x/y.png' }, 'invalid_client_metadata'],
        [{ redirect_uris: [CALLBACK], scope: 'everything' }, 'invalid_client_metadata'],
      ];
      for (const [body, error] of cases) {
        const res = await register(body);
        expect({ status: res.status, error: ((await res.json()) as { error: string }).error }).toEqual({ status: 400, error });
      }
      const notJson = await fetch(`${server.url}/oauth2/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
      expect(notJson.status).toBe(400);
      expect(((await notJson.json()) as { message: string }).message).toBeDefined();
      // Native apps may use custom schemes; two clients may share a name.
      const native = await register({ redirect_uris: ['com.example.app:/oauth/cb'], token_endpoint_auth_method: 'none', client_name: 'Twin' });
      expect(native.status).toBe(201);
      const twin = await register({ redirect_uris: ['com.example.app:/oauth/cb'], token_endpoint_auth_method: 'none', client_name: 'Twin' });
      expect(twin.status).toBe(201);
      expect(((await twin.json()) as { client_name: string }).client_name).toMatch(/^Twin-[0-9a-f]{8}$/);
    });
  });

  describe('CORS', () => {
    it('lets browser clients call discovery, token, revocation and registration across origins, not authorize', async () => {
      for (const path of ['/oauth2/tokens', '/oauth2/register', '/oauth2/revoke', '/.well-known/oauth-authorization-server', '/.well-known/oauth-protected-resource/x']) {
        const res = await fetch(`${server.url}${path}`, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, mcp-protocol-version' } });
        expect({ path, status: res.status }).toEqual({ path, status: 204 });
        expect(res.headers.get('access-control-allow-origin')).toBe('*');
        expect(res.headers.get('access-control-allow-headers')).toContain('MCP-Protocol-Version');
        expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      }
      const doc = await fetch(`${server.url}/.well-known/oauth-authorization-server`, { headers: { origin: 'https://app.example.com' } });
      expect(doc.headers.get('access-control-allow-origin')).toBe('*');
      const authorize = await fetch(`${server.url}/oauth2/authorize`, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' } });
      expect(authorize.headers.get('access-control-allow-origin')).toBeNull();
    });
  });
});
