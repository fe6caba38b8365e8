// AI Gateway coderd keys (enterprise, feature aibridge): create / list / delete by owners, the key's
// own authentication (GET /aibridge/coderd-keys/me with Coder-AI-Gateway-Key), the license gate.
// Behaviour as Coder's enterprise/coderd/aigatewaycoderdkeys.go (reference §2, §7).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuditEntry } from '#coderd/audit/auditor.js';
import { captureAudits } from '../../support/audit.js';
import { expectErrorBody } from '../../support/error-body.js';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../../support/fixtures.js';
import { testPublicKeysFile, uploadLicense, validLicense } from '../../support/licenses.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

const BASE = '/api/v2/aibridge/coderd-keys';
const ME = `${BASE}/me`;
const HEADER = 'Coder-AI-Gateway-Key';
const PREMIUM = 'AI Bridge is a Premium feature. Contact sales!';
const NOT_ENABLED = 'The license entitles this feature, but it is not enabled on this deployment.';
const NAME_DETAIL =
  'Must be 64 characters or fewer, lowercase letters, numbers, and non-consecutive hyphens, and may not start or end with a hyphen.';
const INVALID_NAME = { message: 'Invalid key name.', validations: [{ field: 'name', detail: NAME_DETAIL }] };
const NAME_TAKEN = { message: 'Key name must be unique.', validations: [{ field: 'name', detail: 'A key with this name already exists.' }] };
const NAME_REQUIRED = { message: 'Validation failed.', validations: [{ field: 'name', detail: 'Name is required.' }] };
const NO_KEY = { message: 'No AI Gateway key provided.', detail: `Set the "${HEADER}" header.` };
const INVALID_KEY = { message: 'Invalid AI Gateway key.' };
const FORBIDDEN = { message: 'Forbidden.' };
const FORBIDDEN_CREATE = { message: 'Forbidden.', detail: 'You are not allowed to create AI Gateway coderd keys.' };

const KEY_RE = /^cgw_[A-Za-z0-9]{39}$/;
const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CREATED_KEYS = ['created_at', 'id', 'key', 'key_prefix', 'name'];
const LISTED_KEYS = ['created_at', 'id', 'key_prefix', 'last_used_at', 'name'];

interface CreatedKey {
  id: string;
  name: string;
  key: string;
  key_prefix: string;
  created_at: string;
}
interface ListedKey {
  id: string;
  name: string;
  key_prefix: string;
  created_at: string;
  last_used_at: string | null;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();
let seq = 0;
const keyName = (prefix = 'key') => `${prefix}-${++seq}-${randomUUID().slice(0, 8)}`;

describe('AI Gateway coderd keys', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;
  let auditor: TestUser;
  let userAdmin: TestUser;
  let audits: AuditEntry[];

  const as = (u: TestUser | FirstUser) => api(server, u.token);
  const me = (key?: string) => {
    const req = api(server).get(ME);
    return key === undefined ? req : req.set(HEADER, key);
  };
  async function create(name = keyName()): Promise<CreatedKey> {
    const res = await as(owner).post(BASE).send({ name });
    if (res.status !== 201) throw new Error(`create key failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
  const list = async (): Promise<ListedKey[]> => {
    const res = await as(owner).get(BASE);
    expect(res.status).toBe(200);
    return res.body;
  };
  const countNamed = async (name: string) =>
    Number((await server.sql<{ n: string }>('SELECT count(*) AS n FROM ai_gateway_coderd_keys WHERE lower(name) = lower($1)', [name]))[0].n);
  const keyAudits = () => audits.filter((a) => a.resource_type === 'ai_gateway_coderd_key');

  beforeAll(async () => {
    server = await startTestServer({ env: { CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile(), CODER_AIBRIDGE_ENABLED: 'true' } });
    owner = await createFirstUser(server);
    member = await createUser(server, owner, { username: 'member' });
    auditor = await createUser(server, owner, { username: 'auditor', siteRoles: ['auditor'] });
    userAdmin = await createUser(server, owner, { username: 'useradmin', siteRoles: ['user-admin'] });
    const res = await uploadLicense(server, owner.token, await validLicense({ aibridge: 1 }));
    if (res.status !== 201) throw new Error(`license upload failed: ${res.status} ${JSON.stringify(res.body)}`);
    audits = captureAudits(server);
  });
  afterEach(() => {
    audits.length = 0;
  });
  afterAll(() => server?.close());

  describe('POST /aibridge/coderd-keys', () => {
    it('answers 201 with the key once; the database keeps its prefix and sha256 of its random part only', async () => {
      const name = keyName('gateway');
      const res = await as(owner).post(BASE).send({ name });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(CREATED_KEYS);
      const body = res.body as CreatedKey;
      expect(body).toEqual({ id: expect.stringMatching(UUID), name, key: expect.stringMatching(KEY_RE), key_prefix: body.key.slice(0, 11), created_at: expect.stringMatching(TIME_RE) });
      expect(body.key).toHaveLength(43);
      expect(body.key_prefix).toHaveLength(11);

      const rows = await server.sql<{ name: string; secret_prefix: string; hashed_secret: Buffer; last_used_at: Date | null }>(
        'SELECT name, secret_prefix, hashed_secret, last_used_at FROM ai_gateway_coderd_keys WHERE id = $1',
        [body.id],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0].name).toBe(name);
      expect(rows[0].secret_prefix).toBe(body.key_prefix);
      expect(rows[0].last_used_at).toBeNull();
      expect(rows[0].hashed_secret.equals(sha256(body.key.slice(4)))).toBe(true);
      expect(rows[0].hashed_secret.equals(sha256(body.key))).toBe(false);
      expect(rows[0].hashed_secret.includes(Buffer.from(body.key.slice(4)))).toBe(false);
    });

    it('is audited (create) with the key id and name', async () => {
      const created = await create();
      expect(keyAudits()).toEqual([
        { action: 'create', resource_type: 'ai_gateway_coderd_key', resource_id: created.id, resource_target: created.name, user_id: owner.id },
      ]);
    });

    it('generates a different key, prefix and id every time', async () => {
      const keys = await Promise.all([create(), create(), create()]);
      expect(new Set(keys.map((k) => k.key)).size).toBe(3);
      expect(new Set(keys.map((k) => k.key_prefix)).size).toBe(3);
      expect(new Set(keys.map((k) => k.id)).size).toBe(3);
    });

    it('accepts a name of exactly 64 characters, digits only, and single hyphens', async () => {
      for (const name of [`a${'-b'.repeat(31)}a`.slice(0, 64), '0123456789', `x-${randomUUID().slice(0, 8)}-y`]) {
        expect(name.length).toBeLessThanOrEqual(64);
        const res = await as(owner).post(BASE).send({ name });
        expect({ name, status: res.status }).toEqual({ name, status: 201 });
      }
    });

    const badNames: Array<[string, string]> = [
      ['upper case', 'Gateway'],
      ['all upper case', 'GATEWAY'],
      ['a leading hyphen', '-gateway'],
      ['a trailing hyphen', 'gateway-'],
      ['a double hyphen', 'gate--way'],
      ['a lone hyphen', '-'],
      ['a space inside', 'gate way'],
      ['a leading space', ' gateway'],
      ['a trailing space', 'gateway '],
      ['an underscore', 'gate_way'],
      ['a dot', 'gate.way'],
      ['a non-ASCII letter', 'gatewäy'],
      ['65 characters', 'a'.repeat(65)],
      ['65 characters with hyphens', `${'ab-'.repeat(21)}ab`],
    ];
    it.each(badNames)('refuses a name with %s: 400 "Invalid key name." on name, nothing stored', async (_case, name) => {
      const res = await as(owner).post(BASE).send({ name });
      expectErrorBody(res, 400, 'Invalid key name.');
      expect(res.body).toEqual(INVALID_NAME);
      expect(await countNamed(name)).toBe(0);
      expect(keyAudits()).toEqual([]);
    });

    const missing: Array<[string, object]> = [
      ['an empty name', { name: '' }],
      ['no name', {}],
      ['a null name', { name: null }],
    ];
    it.each(missing)('refuses %s: 400 with a validation on name', async (_case, body) => {
      const res = await as(owner).post(BASE).send(body);
      expectErrorBody(res, 400, 'Validation failed.');
      expect(res.body).toEqual(NAME_REQUIRED);
    });

    const wrongTypes: Array<[string, unknown]> = [
      ['a number', 42],
      ['a boolean', true],
      ['an array', ['gateway']],
      ['an object', { name: 'gateway' }],
    ];
    it.each(wrongTypes)('refuses a name that is %s: 400 with a validation on name', async (_case, name) => {
      const res = await as(owner).post(BASE).send({ name });
      expectErrorBody(res, 400, 'Validation failed.');
      expect(res.body).toEqual({ message: 'Validation failed.', validations: [{ field: 'name', detail: 'Must be a string.' }] });
    });

    it('refuses unknown fields and non-object bodies', async () => {
      const extra = await as(owner).post(BASE).send({ name: keyName(), key: 'cgw_mine' });
      expect(extra.status).toBe(400);
      expect(extra.body).toEqual({ message: 'Validation failed.', validations: [{ field: 'key', detail: 'Unknown field "key".' }] });
      const array = await as(owner).post(BASE).send([{ name: keyName() }]);
      expect(array.status).toBe(400);
      expect(array.body).toEqual({ message: 'Request body must be a JSON object.' });
    });

    it('refuses a duplicate name with 400 "Key name must be unique." on name', async () => {
      const first = await create(keyName('dup'));
      const res = await as(owner).post(BASE).send({ name: first.name });
      expectErrorBody(res, 400, 'Key name must be unique.');
      expect(res.body).toEqual(NAME_TAKEN);
      expect(await countNamed(first.name)).toBe(1);
    });

    it('the same name in another case is refused too (names are lower case only, so as an invalid name)', async () => {
      const first = await create(keyName('case'));
      const res = await as(owner).post(BASE).send({ name: first.name.toUpperCase() });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(INVALID_NAME);
      expect(await countNamed(first.name)).toBe(1);
    });

    it('a name taken by a row stored in another case still counts as taken (unique lower(name))', async () => {
      // The CHECK admits only lower case, so drop it for this row alone, as an older schema might have allowed.
      const name = keyName('legacy');
      await server.sql('ALTER TABLE ai_gateway_coderd_keys DROP CONSTRAINT ai_gateway_coderd_keys_name_check');
      try {
        await server.sql('INSERT INTO ai_gateway_coderd_keys (id, name, secret_prefix, hashed_secret) VALUES ($1, $2, $3, $4)', [
          randomUUID(), name.toUpperCase(), `cgw_${randomBytes(8).toString('hex').slice(0, 7)}`, randomBytes(32),
        ]);
        const res = await as(owner).post(BASE).send({ name });
        expect(res.status).toBe(400);
        expect(res.body).toEqual(NAME_TAKEN);
      } finally {
        await server.sql('DELETE FROM ai_gateway_coderd_keys WHERE name = $1', [name.toUpperCase()]);
        await server.sql(`ALTER TABLE ai_gateway_coderd_keys ADD CONSTRAINT ai_gateway_coderd_keys_name_check CHECK (name ~ '^[a-z0-9]+(-[a-z0-9]+)*$')`);
      }
    });

    it('concurrent creates of one name: exactly one 201, the others 400 "Key name must be unique." (never 500)', async () => {
      const name = keyName('race');
      const results = await Promise.all(Array.from({ length: 6 }, () => as(owner).post(BASE).send({ name })));
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      for (const r of results.filter((x) => x.status !== 201)) {
        expect({ status: r.status, body: r.body }).toEqual({ status: 400, body: NAME_TAKEN });
      }
      expect(await countNamed(name)).toBe(1);
    });
  });

  describe('GET /aibridge/coderd-keys', () => {
    it('lists every key without its secret: exactly id, name, key_prefix, created_at, last_used_at (null until used)', async () => {
      const created = await create();
      const keys = await list();
      const listed = keys.find((k) => k.id === created.id);
      expect(listed).toEqual({ id: created.id, name: created.name, key_prefix: created.key_prefix, created_at: created.created_at, last_used_at: null });
      for (const k of keys) expect(Object.keys(k).sort()).toEqual(LISTED_KEYS);
      const raw = JSON.stringify(keys);
      expect(raw).not.toContain(created.key);
      expect(raw).not.toContain(created.key.slice(4));
      expect(raw).not.toContain(sha256(created.key.slice(4)).toString('hex'));
      expect(raw).not.toContain(sha256(created.key.slice(4)).toString('base64'));
    });

    it('orders by created_at, then name', async () => {
      const at = '2001-02-03T04:05:06.000007Z';
      const names = [keyName('zz-tie'), keyName('aa-tie')];
      for (const name of names) {
        await server.sql('INSERT INTO ai_gateway_coderd_keys (id, name, created_at, secret_prefix, hashed_secret) VALUES ($1, $2, $3, $4, $5)', [
          randomUUID(), name, at, `cgw_${randomBytes(8).toString('hex').slice(0, 7)}`, randomBytes(32),
        ]);
      }
      const later = await create();
      const keys = await list();
      const sorted = [...keys].sort((a, b) => a.created_at.localeCompare(b.created_at) || a.name.localeCompare(b.name));
      expect(keys.map((k) => k.id)).toEqual(sorted.map((k) => k.id));
      const tied = keys.filter((k) => k.created_at === at).map((k) => k.name);
      expect(tied).toEqual([names[1], names[0]]);
      expect(keys[keys.length - 1].id).toBe(later.id);
    });
  });

  describe('DELETE /aibridge/coderd-keys/{id}', () => {
    it('answers 204 with no body, twice (idempotent); the key is gone; only the real delete is audited', async () => {
      const created = await create();
      audits.length = 0;
      const first = await as(owner).delete(`${BASE}/${created.id}`);
      expect(first.status).toBe(204);
      expect(first.text).toBe('');
      const second = await as(owner).delete(`${BASE}/${created.id}`);
      expect(second.status).toBe(204);
      expect(second.text).toBe('');
      expect(await server.sql('SELECT 1 FROM ai_gateway_coderd_keys WHERE id = $1', [created.id])).toEqual([]);
      expect((await list()).map((k) => k.id)).not.toContain(created.id);
      expect(keyAudits()).toEqual([
        { action: 'delete', resource_type: 'ai_gateway_coderd_key', resource_id: created.id, resource_target: created.name, user_id: owner.id },
      ]);
    });

    it('answers 204 for an id that never existed, and deletes nothing else', async () => {
      const kept = await create();
      audits.length = 0;
      const res = await as(owner).delete(`${BASE}/${randomUUID()}`);
      expect(res.status).toBe(204);
      expect(keyAudits()).toEqual([]);
      expect((await list()).map((k) => k.id)).toContain(kept.id);
    });

    it.each([['not-a-uuid'], ['1234'], [`${randomUUID()}0`], ['me']])('a malformed id (%s) is 400 with a validation on id', async (id) => {
      const res = await as(owner).delete(`${BASE}/${id}`);
      expectErrorBody(res, 400, 'Invalid key ID.');
      expect(res.body).toEqual({ message: 'Invalid key ID.', validations: [{ field: 'id', detail: `"${id}" is not a valid UUID.` }] });
    });
  });

  describe('only owners manage keys', () => {
    const others: Array<[string, () => TestUser]> = [
      ['member', () => member],
      ['auditor', () => auditor],
      ['user-admin', () => userAdmin],
    ];

    it.each(others)('%s: POST is 403 and creates nothing', async (_role, who) => {
      const name = keyName('denied');
      const res = await as(who()).post(BASE).send({ name });
      expectErrorBody(res, 403);
      expect(res.body).toEqual(FORBIDDEN_CREATE);
      expect(await countNamed(name)).toBe(0);
      expect(keyAudits()).toEqual([]);
    });

    it.each(others)('%s: GET is 403', async (_role, who) => {
      const res = await as(who()).get(BASE);
      expectErrorBody(res, 403);
      expect(res.body).toEqual(FORBIDDEN);
    });

    it.each(others)('%s: DELETE is 403 and deletes nothing', async (_role, who) => {
      const created = await create();
      audits.length = 0;
      const res = await as(who()).delete(`${BASE}/${created.id}`);
      expectErrorBody(res, 403);
      expect(res.body).toEqual(FORBIDDEN);
      expect((await list()).map((k) => k.id)).toContain(created.id);
      expect(keyAudits()).toEqual([]);
    });

    it('anonymous callers get 401 on the management routes', async () => {
      expectErrorBody(await api(server).get(BASE), 401);
      expectErrorBody(await api(server).post(BASE).send({ name: keyName() }), 401);
      expectErrorBody(await api(server).delete(`${BASE}/${randomUUID()}`), 401);
    });
  });

  describe('GET /aibridge/coderd-keys/me (Coder-AI-Gateway-Key)', () => {
    it('answers 200 with the key record, stamps last_used_at, and the list shows it', async () => {
      const created = await create();
      const before = Date.now();
      const res = await me(created.key);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(LISTED_KEYS);
      expect(res.body).toEqual({
        id: created.id, name: created.name, key_prefix: created.key_prefix, created_at: created.created_at, last_used_at: expect.stringMatching(TIME_RE),
      });
      expect(Date.parse(res.body.last_used_at)).toBeGreaterThanOrEqual(before - 5_000);
      const listed = (await list()).find((k) => k.id === created.id);
      expect(listed?.last_used_at).toBe(res.body.last_used_at);

      const again = await me(created.key);
      expect(again.status).toBe(200);
      expect(Date.parse(again.body.last_used_at)).toBeGreaterThanOrEqual(Date.parse(res.body.last_used_at));
    });

    it('without the header: 401 "No AI Gateway key provided."', async () => {
      for (const res of [await me(), await me('')]) {
        expectErrorBody(res, 401, NO_KEY.message);
        expect(res.body).toEqual(NO_KEY);
      }
    });

    it('does not accept a Coder session token, in any of Coder\'s places', async () => {
      const viaHeader = await api(server, owner.token).get(ME);
      expect(viaHeader.status).toBe(401);
      expect(viaHeader.body).toEqual(NO_KEY);
      const viaBearer = await api(server).get(ME).set('Authorization', `Bearer ${owner.token}`);
      expect(viaBearer.status).toBe(401);
      expect(viaBearer.body).toEqual(NO_KEY);
      const inKeyHeader = await me(owner.token);
      expect(inKeyHeader.status).toBe(401);
      expect(inKeyHeader.body).toEqual(INVALID_KEY);
    });

    it('a coderd key is only accepted in its own header (not as Bearer), and is not a Coder session token', async () => {
      const created = await create();
      const asBearer = await api(server).get(ME).set('Authorization', `Bearer ${created.key}`);
      expect(asBearer.status).toBe(401);
      expect(asBearer.body).toEqual(NO_KEY);
      const asSession = await api(server, created.key).get('/api/v2/users/me');
      expect(asSession.status).toBe(401);
    });

    it('wrong, malformed or unknown keys: 401 "Invalid AI Gateway key.", and last_used_at stays unset', async () => {
      const created = await create();
      const last = created.key.at(-1) === 'a' ? 'b' : 'a';
      const bad = [
        created.key.slice(0, -1) + last, // right prefix, wrong secret
        created.key.slice(0, -1), // one character short
        `${created.key}a`, // one character long
        created.key.slice(4), // without the cgw_ marker
        `cgx_${created.key.slice(4)}`,
        created.key.toUpperCase(),
        `cgw_${'a'.repeat(39)}`, // well formed, unknown prefix
        `${created.key_prefix}${'-'.repeat(32)}`,
      ];
      for (const key of bad) {
        const res = await me(key);
        expect({ key, status: res.status, body: res.body }).toEqual({ key, status: 401, body: INVALID_KEY });
      }
      expect(await server.sql('SELECT last_used_at FROM ai_gateway_coderd_keys WHERE id = $1', [created.id])).toEqual([{ last_used_at: null }]);
    });

    it('a deleted key: 401 "Invalid AI Gateway key."', async () => {
      const created = await create();
      expect((await me(created.key)).status).toBe(200);
      expect((await as(owner).delete(`${BASE}/${created.id}`)).status).toBe(204);
      const res = await me(created.key);
      expectErrorBody(res, 401, INVALID_KEY.message);
      expect(res.body).toEqual(INVALID_KEY);
    });
  });

  describe('OpenAPI', () => {
    it('documents the four operations with ids, summaries, the Enterprise tag and their security', async () => {
      const res = await api(server).get('/swagger/doc.json');
      expect(res.status).toBe(200);
      const paths = res.body.paths as Record<string, Record<string, { operationId: string; summary: string; tags: string[]; security: unknown[] }>>;
      const ops = {
        create: paths[BASE]?.post,
        list: paths[BASE]?.get,
        delete: paths[`${BASE}/{id}`]?.delete,
        me: paths[ME]?.get,
      };
      expect(Object.fromEntries(Object.entries(ops).map(([k, op]) => [k, op?.operationId]))).toEqual({
        create: 'createAIGatewayCoderdKey',
        list: 'listAIGatewayCoderdKeys',
        delete: 'deleteAIGatewayCoderdKey',
        me: 'getAIGatewayCoderdKeySelf',
      });
      for (const op of Object.values(ops)) {
        expect(op.summary).toEqual(expect.any(String));
        expect(op.tags).toEqual(['Enterprise']);
      }
      expect(ops.me.security).toEqual([{ CoderAIGatewayKey: [] }]);
      expect(ops.list.security).toEqual(expect.arrayContaining([{ CoderSessionToken: [] }]));
      expect(ops.list.security).not.toEqual(expect.arrayContaining([{ CoderAIGatewayKey: [] }]));
      // Response schemas are named; their properties come from the swagger plugin at `nest build`
      // (jest compiles with swc, without the plugin), so they are checked in openapi/openapi.json instead.
      const responses = (op: unknown, status: string) => JSON.stringify((op as { responses: Record<string, unknown> }).responses[status]);
      expect(responses(ops.create, '201')).toContain('#/components/schemas/CreateAIGatewayCoderdKeyResponse');
      expect(responses(ops.list, '200')).toContain('#/components/schemas/AIGatewayCoderdKey');
      expect(responses(ops.me, '200')).toContain('#/components/schemas/AIGatewayCoderdKey');
      expect(responses(ops.delete, '204')).not.toContain('$ref');
    });
  });
});

describe('AI Gateway coderd keys: the license gate', () => {
  // Every row has three entries: with fewer, jest would pass its `done` callback as the body.
  const routes: Array<[string, string, object | null]> = [
    ['POST', BASE, { name: 'gated' }],
    ['GET', BASE, null],
    ['DELETE', `${BASE}/${randomUUID()}`, null],
    ['GET', ME, null],
  ];

  async function call(server: TestServer, owner: FirstUser, method: string, path: string, body: object | null) {
    const client = api(server, owner.token);
    const req = method === 'POST' ? client.post(path) : method === 'DELETE' ? client.delete(path) : client.get(path);
    return body ? req.send(body) : req;
  }

  describe('without a license (CODER_AIBRIDGE_ENABLED=true)', () => {
    let server: TestServer;
    let owner: FirstUser;
    beforeAll(async () => {
      server = await startTestServer({ env: { CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile(), CODER_AIBRIDGE_ENABLED: 'true' } });
      owner = await createFirstUser(server);
    });
    afterAll(() => server?.close());

    it.each(routes)('%s %s answers 403 with the premium-feature message', async (method, path, body) => {
      const res = await call(server, owner, method, path, body);
      expectErrorBody(res, 403, PREMIUM);
      expect(res.body).toEqual({ message: PREMIUM });
    });

    it('GET /me is gated before the key is looked at, and nothing is stored', async () => {
      const res = await api(server).get(ME).set(HEADER, `cgw_${'a'.repeat(39)}`);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: PREMIUM });
      expect(await server.sql('SELECT 1 FROM ai_gateway_coderd_keys')).toEqual([]);
    });
  });

  describe('with an aibridge license but CODER_AIBRIDGE_ENABLED unset', () => {
    let server: TestServer;
    let owner: FirstUser;
    beforeAll(async () => {
      server = await startTestServer({ env: { CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile() } });
      owner = await createFirstUser(server);
      const res = await uploadLicense(server, owner.token, await validLicense({ aibridge: 1 }));
      if (res.status !== 201) throw new Error(`license upload failed: ${res.status} ${JSON.stringify(res.body)}`);
    });
    afterAll(() => server?.close());

    it.each(routes)('%s %s answers 403 saying the feature is not enabled here', async (method, path, body) => {
      const res = await call(server, owner, method, path, body);
      expectErrorBody(res, 403, PREMIUM);
      expect(res.body).toEqual({ message: PREMIUM, detail: NOT_ENABLED });
    });
  });
});
