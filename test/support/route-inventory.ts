// Route inventory checks, run against each edition by its own spec: every route declares its auth, the
// list is snapshotted so that a new or changed route is a reviewed change, and the served OpenAPI
// document agrees with the declarations.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RouteAuthAudit, type RouteAuth } from '#coderd/server/route-auth-audit.js';
import { api } from './fixtures.js';
import { startTestServer, type TestServer } from './test-server.js';

/** Routes Coder served under /api/experimental before /api/v2 (tasks): served as aliases, documented once. */
const isExperimentalAlias = (path: string) => path === '/api/experimental/tasks' || path.startsWith('/api/experimental/tasks/');

/** The public routes of both editions. */
export const EXPECTED_PUBLIC = [
  'DELETE /oauth2/clients/:client_id',
  'GET /.well-known/oauth-authorization-server',
  'GET /.well-known/oauth-authorization-server/*',
  'GET /.well-known/oauth-protected-resource',
  'GET /.well-known/oauth-protected-resource/*',
  'GET /api/v2',
  'GET /api/v2/auth/scopes',
  'GET /api/v2/buildinfo',
  'GET /api/v2/entitlements',
  'GET /api/v2/init-script',
  'GET /api/v2/init-script/:os/:arch',
  'GET /api/v2/users/authmethods',
  'GET /api/v2/users/first',
  'GET /bin/coder-agent.mjs',
  'GET /healthz',
  'GET /login',
  'GET /oauth2/authorize',
  'GET /oauth2/clients/:client_id',
  'POST /api/v2/users/first',
  'POST /api/v2/users/login',
  'POST /login',
  'POST /oauth2/authorize',
  'POST /oauth2/register',
  'POST /oauth2/revoke',
  'POST /oauth2/tokens',
  'PUT /oauth2/clients/:client_id',
].sort();

export const GATEWAY_CATCH_ALL = Array.from({ length: 16 }, (_, i) => i + 1).map((n) => `ALL /api/v2/aibridge/${Array.from({ length: n }, (_, i) => `:s${i}`).join('/')}`);
/**
 * The enterprise routes that authenticate themselves: the AI Bridge data plane, the coderd-key check,
 * and what external provisioner daemons call with a provisioner key.
 */
/** The agent API: agents authenticate with their own token (AgentAuthGuard). */
export const AGENT_SELF = [
  'GET /api/v2/workspaceagents/me/manifest',
  'PATCH /api/v2/workspaceagents/me/app-status',
  'PATCH /api/v2/workspaceagents/me/logs',
  'POST /api/v2/workspaceagents/me/app-health',
  'POST /api/v2/workspaceagents/me/listening-ports',
  'POST /api/v2/workspaceagents/me/metadata',
  'POST /api/v2/workspaceagents/me/metadata/:key',
  'POST /api/v2/workspaceagents/me/report-connection',
  'POST /api/v2/workspaceagents/me/report-stats',
  'POST /api/v2/workspaceagents/me/script-completed',
  'POST /api/v2/workspaceagents/me/log-source',
  'POST /api/v2/workspaceagents/me/report-lifecycle',
  'POST /api/v2/workspaceagents/me/startup',
].sort();

export const ENTERPRISE_SELF = [
  ...AGENT_SELF,
  ...GATEWAY_CATCH_ALL,
  'GET /api/v2/aibridge/:provider/v1/models',
  'GET /api/v2/aibridge/:provider/v1/models/:model',
  'GET /api/v2/aibridge/coderd-keys/me',
  'POST /api/v2/aibridge/:provider/v1/chat/completions',
  'POST /api/v2/aibridge/:provider/v1/messages',
  'POST /api/v2/aibridge/:provider/v1/messages/count_tokens',
  'POST /api/v2/aibridge/:provider/v1/responses',
  'GET /api/v2/provisionerkeys/:provisionerkey',
  'POST /api/v2/provisionerdaemons/register',
  'POST /api/v2/provisionerdaemons/:daemon/acquire',
  'POST /api/v2/provisionerdaemons/:daemon/update',
  'POST /api/v2/provisionerdaemons/:daemon/complete',
  'POST /api/v2/provisionerdaemons/:daemon/fail',
].sort();

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

interface Operation {
  operationId?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
}

/** Nest `:param` -> OpenAPI `{param}`. */
/** `:param` as `{param}`, and a trailing wildcard as the `{path}` parameter the OpenAPI generator names it. */
const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\/\*$/, '/{path}');
/** A concrete URL for a route pattern (parameters filled with a placeholder). */
const concrete = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, 'placeholder');
// Licensed routes show their feature, so a route losing its gate changes the snapshot.
const line = (r: RouteAuth) => `${r.method} ${r.path} ${r.auth}${r.feature ? ` feature:${r.feature}` : ''}`;

export interface InventoryExpectations {
  edition: 'AGPL' | 'enterprise';
  /** Boot the AGPL server (oss) or the enterprise one. */
  oss: boolean;
  /** Routes that authenticate themselves, as `METHOD /path`, sorted. */
  self: string[];
}

export function describeRouteInventory({ edition, oss, self: expectedSelf }: InventoryExpectations): void {
  describe(`route inventory (${edition} server)`, () => {
    let server: TestServer;
    let routes: RouteAuth[];
    let doc: { openapi: string; paths: Record<string, Record<string, Operation>>; components?: { securitySchemes?: Record<string, unknown> } };

    beforeAll(async () => {
      server = await startTestServer({ oss });
      routes = server.app.get(RouteAuthAudit).routes();
      const res = await api(server).get('/swagger/doc.json');
      if (res.status !== 200) throw new Error(`GET /swagger/doc.json: ${res.status}`);
      doc = res.body;
    });
    afterAll(() => server.close());

    it('finds routes at all', () => {
      expect(routes.length).toBeGreaterThan(EXPECTED_PUBLIC.length);
    });

    it('every route declares its auth as public, authenticated or self', () => {
      const undeclared = routes.filter((r) => !['public', 'authenticated', 'self'].includes(r.auth)).map(line);
      expect(undeclared).toEqual([]);
    });

    it('the routes that authenticate themselves are exactly the expected ones', () => {
      const self = routes.filter((r) => r.auth === 'self').map((r) => `${r.method} ${r.path}`).sort();
      expect(self).toEqual(expectedSelf);
    });

    it('every self-authenticated route refuses a caller without credentials (401, or 403 where unlicensed; never 2xx or 5xx)', async () => {
      const wrong: string[] = [];
      for (const r of routes.filter((x) => x.auth === 'self')) {
        const method = (r.method === 'ALL' ? 'get' : r.method.toLowerCase()) as 'get' | 'post';
        const res = await api(server)[method](concrete(r.path));
        if (res.status !== 401 && res.status !== 403) wrong.push(`${r.method} ${r.path} -> ${res.status}`);
      }
      expect(wrong).toEqual([]);
    });

    it('no route is listed twice', () => {
      const keys = routes.map((r) => `${r.method} ${r.path}`);
      expect(keys.length).toBe(new Set(keys).size);
    });

    it('the sorted inventory matches the committed snapshot', () => {
      const inventory = routes.map(line).sort();
      expect(inventory).toMatchSnapshot();
    });

    it('the public routes are exactly the expected ones', () => {
      const publicRoutes = routes.filter((r) => r.auth === 'public').map((r) => `${r.method} ${r.path}`).sort();
      expect(publicRoutes).toEqual(EXPECTED_PUBLIC);
    });

    it('every authenticated route answers 401 with WWW-Authenticate when called without a token', async () => {
      const wrong: string[] = [];
      for (const r of routes.filter((x) => x.auth === 'authenticated')) {
        const res = await api(server)[r.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](concrete(r.path));
        if (res.status !== 401 || !/^Bearer /.test(String(res.headers['www-authenticate'] ?? ''))) {
          wrong.push(`${r.method} ${r.path} -> ${res.status}`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it('every public route answers without a token (not 401)', async () => {
      const wrong: string[] = [];
      for (const r of routes.filter((x) => x.auth === 'public')) {
        const res = await api(server)[r.method.toLowerCase() as 'get' | 'post'](concrete(r.path)).send(r.method === 'GET' ? undefined : {});
        if (res.status === 401 || res.status >= 500) wrong.push(`${r.method} ${r.path} -> ${res.status}`);
      }
      expect(wrong).toEqual([]);
    });

    describe('GET /swagger/doc.json', () => {
      const operations = () =>
        Object.entries(doc.paths).flatMap(([path, item]) =>
          HTTP_METHODS.filter((m) => item[m]).map((m) => ({ key: `${m.toUpperCase()} ${path}`, op: item[m] })),
        );

      it('is an OpenAPI 3 document declaring the CoderSessionToken scheme', () => {
        expect(doc.openapi).toMatch(/^3\./);
        expect(doc.components?.securitySchemes).toHaveProperty('CoderSessionToken');
      });

      it('documents every route of the inventory except the AI Bridge catch-all and the experimental aliases, and nothing else', () => {
        const documented = operations().map((o) => o.key).sort();
        const catchAll = new Set(GATEWAY_CATCH_ALL);
        const served = routes
          .filter((r) => !catchAll.has(`${r.method} ${r.path}`) && !isExperimentalAlias(r.path))
          .map((r) => `${r.method} ${toOpenApiPath(r.path)}`)
          .sort();
        expect(documented).toEqual(served);
      });

      it('every experimental alias serves a documented /api/v2 route', () => {
        const v2 = new Set(routes.map((r) => `${r.method} ${r.path}`));
        const orphans = routes.filter((r) => isExperimentalAlias(r.path) && !v2.has(`${r.method} ${r.path.replace('/api/experimental/', '/api/v2/')}`));
        expect(orphans).toEqual([]);
      });

      it('every operation has an operationId, and they are unique', () => {
        const ids = operations().map((o) => o.op.operationId);
        expect(ids.filter((id) => typeof id !== 'string' || id === '')).toEqual([]);
        const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
        expect(dupes).toEqual([]);
      });

      it('every operation has at least one tag', () => {
        const untagged = operations().filter((o) => !o.op.tags?.length).map((o) => o.key);
        expect(untagged).toEqual([]);
      });

      it('every authenticated route requires CoderSessionToken', () => {
        const missing = routes
          .filter((r) => r.auth === 'authenticated' && !isExperimentalAlias(r.path))
          .map((r) => ({ key: `${r.method} ${r.path}`, op: doc.paths[toOpenApiPath(r.path)]?.[r.method.toLowerCase()] }))
          .filter(({ op }) => !op?.security?.some((s) => Object.hasOwn(s, 'CoderSessionToken')))
          .map(({ key }) => key);
        expect(missing).toEqual([]);
      });

      it('no public route is documented as requiring a token', () => {
        const wrong = routes
          .filter((r) => r.auth === 'public')
          .map((r) => ({ key: `${r.method} ${r.path}`, op: doc.paths[toOpenApiPath(r.path)]?.[r.method.toLowerCase()] }))
          .filter(({ op }) => (op?.security ?? []).some((s) => Object.keys(s).length > 0))
          .map(({ key }) => key);
        expect(wrong).toEqual([]);
      });
    });

    it('GET /swagger serves the Swagger UI as HTML', async () => {
      const res = await api(server).get('/swagger').redirects(2);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toMatch(/<html/i);
      expect(res.text).toMatch(/swagger/i);
    });
  });
}
