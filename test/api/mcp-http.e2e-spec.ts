// The MCP HTTP server, reached the way an MCP client does it given only the deployment's URL: the
// official SDK client gets a 401, discovers the protected resource and the authorization server,
// registers itself, runs the code flow with PKCE and `resource`, and calls tools with the token,
// with no hand-written HTTP on its side (the browser's consent is the only step done by hand).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../support/fixtures.js';
import { consent } from '../support/oauth2.js';
import { createTemplate, waitForBuild } from '../support/templates.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const REDIRECT = 'http://127.0.0.1:53682/callback';
const DOC = { resources: [{ name: 'dev', type: 'docker_container', agents: [{ name: 'main' }] }] };

/** What an MCP client keeps between runs, in memory; the authorization URL is where it would open a browser. */
class MemoryProvider implements OAuthClientProvider {
  client?: OAuthClientInformationMixed;
  stored?: OAuthTokens;
  verifier = '';
  authorizationUrl?: URL;
  readonly redirectUrl = REDIRECT;
  readonly clientMetadata: OAuthClientMetadata = { client_name: 'MCP test client', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' };
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.client = info;
  }
  tokens() {
    return this.stored;
  }
  saveTokens(tokens: OAuthTokens) {
    this.stored = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
}

// The transport takes the raw Node request and response: both adapters hand them over differently.
describe.each(['fastify', 'express'])('MCP HTTP server on %s', (adapter) => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;
  let mcpUrl: URL;
  let template: { id: string };

  beforeAll(async () => {
    server = await startTestServer({ realAccessUrl: true, env: { CODER_EXPERIMENTS: 'oauth2,mcp-server-http', CODER_HTTP_ADAPTER: adapter } });
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
    mcpUrl = new URL('/api/experimental/mcp/http', server.url);
    template = await createTemplate(server, owner.token, owner.orgId, 'mcp-docker', DOC);
  });
  afterAll(() => server.close());

  /** Signs the member in through the SDK's own auth flow; answers a connected client and its provider. */
  async function signIn(user: TestUser = member): Promise<{ client: Client; provider: MemoryProvider }> {
    const provider = new MemoryProvider();
    const first = new Client({ name: 'test', version: '1.0.0' });
    await expect(first.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }))).rejects.toBeInstanceOf(UnauthorizedError);
    expect(provider.authorizationUrl).toBeDefined();
    const back = await consent(provider.authorizationUrl!.toString(), user.token);
    const pending = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
    await pending.finishAuth(back.searchParams.get('code')!);
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
    return { client, provider };
  }

  const json = (result: unknown) => JSON.parse(((result as { content: Array<{ text: string }> }).content[0]).text);

  it('an MCP client given only the URL discovers, registers, signs the user in and calls a tool as them', async () => {
    const { client, provider } = await signIn();
    // What the SDK did: dynamic registration as a public client, a code flow bound to the resource.
    expect(provider.client?.client_id).toMatch(/^[0-9a-f-]{36}$/);
    const authorize = provider.authorizationUrl!;
    expect(authorize.origin + authorize.pathname).toBe(`${server.url}/oauth2/authorize`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(new URL(authorize.searchParams.get('resource')!).origin).toBe(server.url);
    expect(client.getServerVersion()?.name).toBe('Coder');

    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools).toEqual(expect.arrayContaining(['coder_get_authenticated_user', 'coder_list_users', 'coder_get_user', 'coder_list_templates', 'coder_list_workspaces', 'coder_get_workspace', 'coder_create_workspace', 'coder_create_workspace_build', 'coder_list_tasks']));
    const me = await client.callTool({ name: 'coder_get_authenticated_user', arguments: {} });
    expect(json(me)).toMatchObject({ id: member.id, username: member.username });
    expect(me.structuredContent).toMatchObject({ id: member.id });

    // The token is an ordinary Coder token for this deployment.
    const rest = await fetch(`${server.url}/api/v2/users/me`, { headers: { authorization: `Bearer ${provider.stored!.access_token}` } });
    expect(rest.status).toBe(200);
    await client.close();
  });

  it('creates, lists, stops and reads a workspace with the caller\'s permissions', async () => {
    const { client } = await signIn();
    const created = await client.callTool({ name: 'coder_create_workspace', arguments: { template_id: template.id, name: 'from-mcp' } });
    expect(created.isError).toBeFalsy();
    const ws = json(created) as { id: string; owner_id: string; latest_build: { id: string } };
    expect(ws.owner_id).toBe(member.id);
    expect((await waitForBuild(server, member.token, ws.latest_build.id)).job.status).toBe('succeeded');

    const listed = json(await client.callTool({ name: 'coder_list_workspaces', arguments: {} })) as { workspaces: Array<{ id: string }>; count: number };
    expect(listed.workspaces.map((w) => w.id)).toContain(ws.id);
    const stop = json(await client.callTool({ name: 'coder_create_workspace_build', arguments: { workspace_id: ws.id, transition: 'stop' } })) as { id: string; transition: string };
    expect(stop.transition).toBe('stop');
    await waitForBuild(server, member.token, stop.id);
    const got = json(await client.callTool({ name: 'coder_get_workspace', arguments: { workspace_id: ws.id } })) as { latest_build: { transition: string; status: string } };
    expect(got.latest_build).toMatchObject({ transition: 'stop', status: 'stopped' });
    const templates = await client.callTool({ name: 'coder_list_templates', arguments: {} });
    expect((json(templates) as Array<{ id: string }>).map((t) => t.id)).toContain(template.id);
    // A list is structured content as {items}: structured content must be an object.
    expect((templates.structuredContent as { items: unknown[] }).items).toHaveLength((json(templates) as unknown[]).length);
    expect(json(await client.callTool({ name: 'coder_list_tasks', arguments: {} }))).toMatchObject({ tasks: [], count: 0 });

    // Another user's workspace is not the member's to stop: the API's answer, as a tool error.
    const owners = await api(server, owner.token).post('/api/v2/users/me/workspaces').send({ template_id: template.id, name: 'owners' });
    expect(owners.status).toBe(201);
    const refused = await client.callTool({ name: 'coder_create_workspace_build', arguments: { workspace_id: owners.body.id, transition: 'stop' } });
    expect(refused.isError).toBe(true);
    expect((refused.content as Array<{ text: string }>)[0].text).toContain('Resource not found');
    // Bad arguments are refused by the tool's schema.
    const bad = await client.callTool({ name: 'coder_create_workspace', arguments: { template_id: 'nope', name: '-x-' } });
    expect(bad.isError).toBe(true);
    await client.close();
  });

  it('accepts a plain session token too, and refuses callers without one with an OAuth2 challenge', async () => {
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(mcpUrl, { requestInit: { headers: { 'Coder-Session-Token': owner.token } } }));
    expect(json(await client.callTool({ name: 'coder_get_authenticated_user', arguments: {} })).username).toBe(owner.username);
    await client.close();

    const anonymous = await fetch(mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain(`resource_metadata="${server.url}/.well-known/oauth-protected-resource"`);
  });

  it('is stateless (GET and DELETE are 405), refuses unknown toolsets, and sits behind its experiment', async () => {
    const auth = { 'coder-session-token': owner.token };
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(mcpUrl, { method, headers: { ...auth, accept: 'text/event-stream' } });
      expect(res.status).toBe(405);
    }
    const toolset = await fetch(`${mcpUrl}?toolset=everything`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' });
    expect(toolset.status).toBe(400);
    expect(((await toolset.json()) as { message: string }).message).toBe('Invalid toolset: everything');

    const off = await startTestServer({ databaseUrl: server.databaseUrl, env: { CODER_EXPERIMENTS: 'oauth2', CODER_HTTP_ADAPTER: adapter } });
    try {
      const res = await fetch(`${off.url}/api/experimental/mcp/http`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ message: "MCP HTTP Server functionality requires enabling the 'mcp-server-http' experiment." });
    } finally {
      await off.close();
    }
  });

  it('a token whose scope is narrower than a tool needs gets the API\'s refusal', async () => {
    const key = await api(server, member.token).post('/api/v2/users/me/keys/tokens').send({ scopes: ['user:read'], token_name: 'mcp-readonly' });
    expect(key.status).toBe(201);
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(mcpUrl, { requestInit: { headers: { authorization: `Bearer ${key.body.key}` } } }));
    expect(json(await client.callTool({ name: 'coder_get_authenticated_user', arguments: {} })).id).toBe(member.id);
    const create = await client.callTool({ name: 'coder_create_workspace', arguments: { template_id: template.id, name: 'scoped' } });
    expect(create.isError).toBe(true);
    await client.close();
  });
});
