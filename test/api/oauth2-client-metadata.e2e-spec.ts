// Client ID Metadata Documents: a client whose client_id is the URL of a JSON document describing it,
// so that an MCP client needs no registration. Served here by a local server, which the deployment
// may fetch only with the development switch for private addresses; without it the fetch is refused.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oauth from 'oauth4webapi';
import { createFirstUser, createUser, type FirstUser, type TestUser } from '../support/fixtures.js';
import { consent, openConsent } from '../support/oauth2.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const CALLBACK = 'http://127.0.0.1:41234/callback';
const insecure = { [oauth.allowInsecureRequests]: true };

describe('OAuth2 Client ID Metadata Documents', () => {
  let docs: Server;
  let docsUrl: string;
  let fetched = 0;
  const documents = new Map<string, () => unknown>();
  let server: TestServer;
  let strict: TestServer;
  let owner: FirstUser;
  let member: TestUser;

  beforeAll(async () => {
    docs = createServer((req, res) => {
      fetched++;
      const doc = documents.get(req.url ?? '');
      if (!doc) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc()));
    });
    await new Promise<void>((resolve) => docs.listen(0, '127.0.0.1', resolve));
    docsUrl = `http://127.0.0.1:${(docs.address() as { port: number }).port}`;
    server = await startTestServer({ realAccessUrl: true, env: { CODER_EXPERIMENTS: 'oauth2', CODER_DANGEROUS_OAUTH2_CLIENT_METADATA_ALLOW_PRIVATE: 'true' } });
    strict = await startTestServer({ databaseUrl: server.databaseUrl, env: { CODER_EXPERIMENTS: 'oauth2' } });
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
  });
  afterAll(async () => {
    await strict.close();
    await server.close();
    await new Promise((resolve) => docs.close(resolve));
  });

  const publish = (path: string, doc: (url: string) => unknown) => {
    const url = `${docsUrl}${path}`;
    documents.set(path, () => doc(url));
    return url;
  };

  async function authorize(on: TestServer, clientId: string, redirectUri = CALLBACK) {
    const verifier = oauth.generateRandomCodeVerifier();
    const u = new URL('/oauth2/authorize', on.url);
    for (const [k, v] of Object.entries({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), resource: on.url })) u.searchParams.set(k, v);
    return { url: u.toString(), verifier };
  }

  it('a client known only by its document runs the code flow as a public client', async () => {
    const clientId = publish('/clients/tool.json', (url) => ({ client_id: url, client_name: 'Metadata tool', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none' }));
    const { url, verifier } = await authorize(server, clientId);
    const shown = await openConsent(url, member.token);
    expect(shown.status).toBe(200);
    expect(shown.page).toContain('Metadata tool');
    const back = await consent(url, member.token);
    const as = await oauth.processDiscoveryResponse(new URL(server.url), await oauth.discoveryRequest(new URL(server.url), { algorithm: 'oauth2', ...insecure }));
    expect(as.client_id_metadata_document_supported).toBe(true);
    const client: oauth.Client = { client_id: clientId };
    const params = oauth.validateAuthResponse(as, client, back, oauth.expectNoState);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, CALLBACK, verifier, { ...insecure, additionalParameters: { resource: server.url } }));
    const me = await fetch(`${server.url}/api/v2/users/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(me.status).toBe(200);
    // The document is not fetched again on every request.
    const before = fetched;
    await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, insecure));
    expect(fetched).toBe(before);
  });

  it('refuses a document that names another client_id, asks for a secret, or is too large, and a redirect URI it does not list', async () => {
    const cases = [
      publish('/clients/liar.json', () => ({ client_id: 'https://someone.else.example.com/client.json', redirect_uris: [CALLBACK] })),
      publish('/clients/secret.json', (url) => ({ client_id: url, redirect_uris: [CALLBACK], token_endpoint_auth_method: 'client_secret_basic' })),
      publish('/clients/huge.json', (url) => ({ client_id: url, redirect_uris: [CALLBACK], client_name: 'x'.repeat(6000) })),
      `${docsUrl}/clients/missing.json`,
      'not a url',
    ];
    for (const clientId of cases) {
      const res = await fetch((await authorize(server, clientId)).url, { headers: { cookie: `coder_session_token=${member.token}` }, redirect: 'manual' });
      expect({ clientId, status: res.status, body: await res.json() }).toEqual({ clientId, status: 401, body: { error: 'invalid_client', error_description: 'The client credentials are invalid' } });
    }
    const honest = publish('/clients/honest.json', (url) => ({ client_id: url, redirect_uris: [CALLBACK] }));
    const wrongRedirect = await openConsent((await authorize(server, honest, 'http://127.0.0.1:41234/elsewhere')).url, member.token);
    expect(wrongRedirect.status).toBe(400);
  });

  it('never fetches from loopback or private addresses unless the deployment allows it', async () => {
    const clientId = publish('/clients/private.json', (url) => ({ client_id: url, redirect_uris: [CALLBACK] }));
    const before = fetched;
    const res = await fetch((await authorize(strict, clientId)).url, { headers: { cookie: `coder_session_token=${member.token}` }, redirect: 'manual' });
    expect(res.status).toBe(401);
    expect(fetched).toBe(before);
  });
});
