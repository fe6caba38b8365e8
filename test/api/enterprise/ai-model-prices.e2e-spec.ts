// GET/POST /api/experimental/ai/model-prices (enterprise, feature aibridge; owners only): the shipped
// prices, setting prices (replace or add, in one request, with the full list back), validation with
// indexed fields, and refusals.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { DEFAULT_MODEL_PRICES } from '#enterprise/aibridge/budgets/default-prices.js';
import type { AIModelPrice } from '#sdk/aibridge.js';
import { expectErrorBody } from '../../support/error-body.js';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../../support/fixtures.js';
import { testPublicKeysFile, uploadLicense, validLicense } from '../../support/licenses.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

const PATH = '/api/experimental/ai/model-prices';
const PREMIUM = 'AI Bridge is a Premium feature. Contact sales!';

const byProviderModel = (a: AIModelPrice, b: AIModelPrice) => a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model);
const SHIPPED: AIModelPrice[] = DEFAULT_MODEL_PRICES.map((p) => ({
  provider: p.provider,
  model: p.model,
  input_micros_per_mtok: p.input,
  output_micros_per_mtok: p.output,
  cache_read_micros_per_mtok: p.cacheRead,
  cache_write_micros_per_mtok: p.cacheWrite,
})).sort(byProviderModel);

const price = (provider: string, model: string, input: number, output: number, cacheRead = 0, cacheWrite = 0): Record<string, unknown> => ({
  provider,
  model,
  input_micros_per_mtok: input,
  output_micros_per_mtok: output,
  cache_read_micros_per_mtok: cacheRead,
  cache_write_micros_per_mtok: cacheWrite,
});

describe('AI model prices', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;
  let auditor: TestUser;
  let unlicensed: { get: Response; post: Response };

  const get = (u: FirstUser | TestUser) => api(server, u.token).get(PATH);
  const post = (u: FirstUser | TestUser, body: unknown) => api(server, u.token).post(PATH).send(body as object);
  const validations = (res: Response) => res.body.validations as Array<{ field: string; detail: string }>;

  beforeAll(async () => {
    server = await startTestServer({ env: { CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile(), CODER_AIBRIDGE_ENABLED: 'true' } });
    owner = await createFirstUser(server);
    member = await createUser(server, owner, { username: 'member' });
    auditor = await createUser(server, owner, { username: 'auditor', siteRoles: ['auditor'] });
    unlicensed = { get: await get(owner), post: await post(owner, { prices: [] }) };
    const res = await uploadLicense(server, owner.token, await validLicense({ aibridge: 1, template_rbac: 1 }));
    if (res.status !== 201) throw new Error(`license upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  });
  afterAll(() => server?.close());

  it('answers 403 until a license entitles aibridge', () => {
    expectErrorBody(unlicensed.get, 403, PREMIUM);
    expectErrorBody(unlicensed.post, 403, PREMIUM);
  });

  it('lists the shipped prices, by provider then model', async () => {
    const res = await get(owner);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(SHIPPED);
    expect(res.body).toContainEqual(price('anthropic', 'claude-sonnet-4-5', 3_000_000, 15_000_000, 300_000, 3_750_000));
  });

  it('members and auditors may neither list nor set prices (403 before the body is read)', async () => {
    for (const u of [member, auditor]) {
      expectErrorBody(await get(u), 403, 'Forbidden.');
      expectErrorBody(await post(u, { prices: [price('openai', 'gpt-4o', 1, 1)] }), 403, 'Forbidden.');
      expectErrorBody(await post(u, { prices: 'not even an array' }), 403, 'Forbidden.');
    }
    expect((await get(owner)).body).toEqual(SHIPPED);
  });

  it('sets prices: replaces a shipped one, adds new ones, answers 200 with the full list', async () => {
    const longModel = 'm'.repeat(256);
    const body = {
      prices: [
        price('openai', 'gpt-4o', 1, 2, 3, 4),
        price('anthropic', 'claude-custom', 0, 0, 0, 0),
        price('openai', longModel, Number.MAX_SAFE_INTEGER, 5, 0, 0),
      ],
    };
    const res = await post(owner, body);
    expect(res.status).toBe(200);
    const expected = [
      ...SHIPPED.filter((p) => !(p.provider === 'openai' && p.model === 'gpt-4o')),
      ...(body.prices as unknown as AIModelPrice[]),
    ].sort(byProviderModel);
    expect(res.body).toEqual(expected);
    expect((await get(owner)).body).toEqual(expected);
    const rows = await server.sql(
      `SELECT input_micros_per_mtok::text AS input, output_micros_per_mtok::text AS output, cache_read_micros_per_mtok::text AS cache_read,
              cache_write_micros_per_mtok::text AS cache_write FROM ai_model_prices WHERE provider = 'openai' AND model = ANY($1) ORDER BY model`,
      [['gpt-4o', longModel]],
    );
    expect(rows).toEqual([
      { input: '1', output: '2', cache_read: '3', cache_write: '4' },
      { input: String(Number.MAX_SAFE_INTEGER), output: '5', cache_read: '0', cache_write: '0' },
    ]);

    // Setting it again replaces every field; an empty list changes nothing.
    const again = await post(owner, { prices: [price('openai', 'gpt-4o', 10, 20)] });
    expect(again.body).toContainEqual(price('openai', 'gpt-4o', 10, 20, 0, 0));
    const empty = await post(owner, { prices: [] });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual(again.body);
  });

  it('refuses bad entries with one validation per field, indexed, and changes nothing', async () => {
    const before = (await get(owner)).body;
    const res = await post(owner, {
      prices: [
        price('google', 'gemini', 1, 1),
        price('openai', 'ok-model', 1, 1),
        price('openai', '', -1, 1.5),
        { provider: 'anthropic', model: 'x'.repeat(257), input_micros_per_mtok: '5', output_micros_per_mtok: 1, cache_read_micros_per_mtok: 0 },
        'not an object',
        { ...price('openai', 'extra', 1, 1), currency: 'USD' },
        price('openai', 'ok-model', 2, 2),
        price('openai', 'too-big', Number.MAX_SAFE_INTEGER + 1, 0),
        null,
      ],
    });
    expectErrorBody(res, 400, 'Validation failed.');
    expect(validations(res)).toEqual([
      { field: 'prices[0].provider', detail: 'Must be one of: openai, anthropic.' },
      { field: 'prices[2].model', detail: 'Must not be empty.' },
      { field: 'prices[2].input_micros_per_mtok', detail: 'Must be 0 or more.' },
      { field: 'prices[2].output_micros_per_mtok', detail: 'Must be an integer.' },
      { field: 'prices[3].model', detail: 'Must be at most 256 characters.' },
      { field: 'prices[3].input_micros_per_mtok', detail: 'Must be an integer.' },
      { field: 'prices[3].cache_write_micros_per_mtok', detail: 'Must be an integer.' },
      { field: 'prices[4]', detail: 'Must be an object.' },
      { field: 'prices[5].currency', detail: 'Unknown field "prices[5].currency".' },
      { field: 'prices[6].model', detail: 'Duplicates prices[1]: each provider and model may appear once.' },
      { field: 'prices[7].input_micros_per_mtok', detail: `Must be at most ${Number.MAX_SAFE_INTEGER}.` },
      { field: 'prices[8]', detail: 'Must be an object.' },
    ]);
    expect((await get(owner)).body).toEqual(before);
  });

  it('refuses a body without a prices array, with unknown fields, or with more than 500 entries', async () => {
    const cases: Array<[unknown, Array<{ field: string; detail: string }>]> = [
      [{}, [{ field: 'prices', detail: 'Must be an array.' }]],
      [{ prices: { provider: 'openai' } }, [{ field: 'prices', detail: 'Must be an array.' }]],
      [{ prices: [], extra: true }, [{ field: 'extra', detail: 'Unknown field "extra".' }]],
      [{ prices: Array.from({ length: 501 }, (_, i) => price('openai', `m${i}`, 1, 1)) }, [{ field: 'prices', detail: 'Must have at most 500 entries.' }]],
    ];
    for (const [body, expected] of cases) {
      const res = await post(owner, body);
      expectErrorBody(res, 400, 'Validation failed.');
      expect(validations(res)).toEqual(expected);
    }
    const max = await post(owner, { prices: Array.from({ length: 500 }, (_, i) => price('anthropic', `bulk-${String(i).padStart(3, '0')}`, i, i)) });
    expect(max.status).toBe(200);
    expect((max.body as AIModelPrice[]).filter((p) => p.model.startsWith('bulk-'))).toHaveLength(500);
  });
});
