// loadConfig: the CODER_AIBRIDGE_* variables (and CODER_PROMETHEUS_ADDRESS), with every bad value
// named in one ConfigError.
import { describe, expect, it } from '@jest/globals';
import type { AibridgeConfig, AibridgeProviderConfig } from '#coderd/config/aibridge-config.js';
import { ConfigError, loadConfig } from '#coderd/config/config.js';
import { BASE, configError } from './config-helpers.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const OPENAI_DEFAULT: AibridgeProviderConfig = { type: 'openai', name: 'openai', key: '', keyVariable: 'CODER_AIBRIDGE_OPENAI_KEY', baseUrl: 'https://api.openai.com/v1' };
const ANTHROPIC_DEFAULT: AibridgeProviderConfig = {
  type: 'anthropic',
  name: 'anthropic',
  key: '',
  keyVariable: 'CODER_AIBRIDGE_ANTHROPIC_KEY',
  baseUrl: 'https://api.anthropic.com',
};

const aibridge = (env: Record<string, string>) => loadConfig({ ...BASE, ...env }).aibridge;

/** The problem lines of a ConfigError, without the heading. */
const problems = (err: ConfigError) => err.message.split('\n').slice(1).map((l) => l.trim());

const BAD_NAME = 'is invalid: expected lowercase letters, digits and single hyphens (at most 64), not a reserved route name.';

describe('CODER_AIBRIDGE_BUDGET_PERIOD', () => {
  it.each(['day', 'week', 'month'] as const)('%s', (period) => {
    expect(aibridge({ CODER_AIBRIDGE_BUDGET_PERIOD: period }).budgetPeriod).toBe(period);
  });

  it.each(['year', 'Month', 'monthly', '30d'])('rejects %j', (value) => {
    expect(configError({ CODER_AIBRIDGE_BUDGET_PERIOD: value }).message).toContain(
      `CODER_AIBRIDGE_BUDGET_PERIOD=${JSON.stringify(value)} is invalid: expected "day", "week" or "month".`,
    );
  });
});

describe('AI Bridge configuration: defaults', () => {
  it('an empty environment', () => {
    const expected: AibridgeConfig = {
      enabled: false,
      providers: [OPENAI_DEFAULT, ANTHROPIC_DEFAULT],
      maxConcurrency: 0,
      rateLimit: 0,
      retentionMs: 60 * DAY,
      connectTimeoutMs: 10_000,
      idleTimeoutMs: 5 * 60_000,
      budgetPeriod: 'month',
    };
    expect(aibridge({})).toEqual(expected);
    expect(loadConfig({ ...BASE }).prometheusAddress).toBeUndefined();
  });

  it('blank values count as unset', () => {
    expect(
      aibridge({
        CODER_AIBRIDGE_ENABLED: ' ',
        CODER_AIBRIDGE_OPENAI_BASE_URL: '',
        CODER_AIBRIDGE_MAX_CONCURRENCY: '',
        CODER_AIBRIDGE_RETENTION: '  ',
        CODER_AIBRIDGE_CONNECT_TIMEOUT: '',
      }),
    ).toEqual({ enabled: false, providers: [OPENAI_DEFAULT, ANTHROPIC_DEFAULT], maxConcurrency: 0, rateLimit: 0, retentionMs: 60 * DAY, connectTimeoutMs: 10_000, idleTimeoutMs: 300_000, budgetPeriod: 'month' });
  });
});

describe('AI Bridge configuration: the built-in providers', () => {
  it('keys (trimmed) and base URLs (trailing slashes dropped)', () => {
    expect(
      aibridge({
        CODER_AIBRIDGE_ENABLED: 'true',
        CODER_AIBRIDGE_OPENAI_KEY: ' sk-proj-abc \n',
        CODER_AIBRIDGE_OPENAI_BASE_URL: 'https://proxy.corp.example.com/openai/v1/',
        CODER_AIBRIDGE_ANTHROPIC_KEY: 'sk-ant-api03-xyz',
        CODER_AIBRIDGE_ANTHROPIC_BASE_URL: 'http://127.0.0.1:8081//',
      }),
    ).toMatchObject({
      enabled: true,
      providers: [
        { type: 'openai', name: 'openai', key: 'sk-proj-abc', keyVariable: 'CODER_AIBRIDGE_OPENAI_KEY', baseUrl: 'https://proxy.corp.example.com/openai/v1' },
        { type: 'anthropic', name: 'anthropic', key: 'sk-ant-api03-xyz', keyVariable: 'CODER_AIBRIDGE_ANTHROPIC_KEY', baseUrl: 'http://127.0.0.1:8081' },
      ],
    });
  });

  it.each<[string, string]>([
    ['CODER_AIBRIDGE_OPENAI_BASE_URL', 'api.openai.com/v1'],
    ['CODER_AIBRIDGE_OPENAI_BASE_URL', 'ftp://api.openai.com/v1'],
    ['CODER_AIBRIDGE_ANTHROPIC_BASE_URL', 'not a url'],
    ['CODER_AIBRIDGE_ENABLED', 'on'],
  ])('%s=%j is rejected', (name, value) => {
    const expected = name === 'CODER_AIBRIDGE_ENABLED' ? '"true" or "false"' : 'an http(s) URL';
    expect(problems(configError({ [name]: value }))).toEqual([`${name}=${JSON.stringify(value)} is invalid: expected ${expected}.`]);
  });
});

describe('AI Bridge configuration: named providers', () => {
  it('are added after the built-in ones, in order of N (10 after 2), with the default base URL of their type', () => {
    const env: Record<string, string> = {};
    const expected: AibridgeProviderConfig[] = [];
    for (let n = 10; n >= 0; n--) {
      const type = n % 2 === 0 ? 'openai' : 'anthropic';
      env[`CODER_AIBRIDGE_PROVIDER_${n}_TYPE`] = type;
      env[`CODER_AIBRIDGE_PROVIDER_${n}_NAME`] = `p${n}`;
      env[`CODER_AIBRIDGE_PROVIDER_${n}_KEY`] = `key-${n}`;
    }
    for (let n = 0; n <= 10; n++) {
      const type = n % 2 === 0 ? 'openai' : 'anthropic';
      expected.push({
        type,
        name: `p${n}`,
        key: `key-${n}`,
        keyVariable: `CODER_AIBRIDGE_PROVIDER_${n}_KEY`,
        baseUrl: type === 'openai' ? 'https://api.openai.com/v1' : 'https://api.anthropic.com',
      });
    }
    expect(aibridge(env).providers).toEqual([OPENAI_DEFAULT, ANTHROPIC_DEFAULT, ...expected]);
  });

  it('values are trimmed; a base URL of its own; a provider without a key has key ""; keyVariable names the variable', () => {
    expect(
      aibridge({
        CODER_AIBRIDGE_PROVIDER_0_TYPE: ' anthropic ',
        CODER_AIBRIDGE_PROVIDER_0_NAME: ' anthropic-corp ',
        CODER_AIBRIDGE_PROVIDER_0_KEY: ' sk-ant-corp ',
        CODER_AIBRIDGE_PROVIDER_0_BASE_URL: 'https://llm-proxy.corp.example.com/anthropic/',
        CODER_AIBRIDGE_PROVIDER_1_TYPE: 'openai',
        CODER_AIBRIDGE_PROVIDER_1_NAME: 'openrouter',
        CODER_AIBRIDGE_PROVIDER_1_BASE_URL: 'https://openrouter.ai/api/v1',
      }).providers,
    ).toEqual([
      OPENAI_DEFAULT,
      ANTHROPIC_DEFAULT,
      { type: 'anthropic', name: 'anthropic-corp', key: 'sk-ant-corp', keyVariable: 'CODER_AIBRIDGE_PROVIDER_0_KEY', baseUrl: 'https://llm-proxy.corp.example.com/anthropic' },
      { type: 'openai', name: 'openrouter', key: '', keyVariable: 'CODER_AIBRIDGE_PROVIDER_1_KEY', baseUrl: 'https://openrouter.ai/api/v1' },
    ]);
  });

  it.each<[string, string]>([
    ['a one-character name', 'a'],
    ['digits', '0'],
    ['single hyphens', 'azure-gpt-4o-eu'],
    ['64 characters', 'a'.repeat(64)],
  ])('accepts %s', (_name, name) => {
    expect(aibridge({ CODER_AIBRIDGE_PROVIDER_3_TYPE: 'openai', CODER_AIBRIDGE_PROVIDER_3_NAME: name }).providers.map((p) => p.name)).toEqual(['openai', 'anthropic', name]);
  });

  it.each<[string, Record<string, string>, string]>([
    ['an unknown TYPE', { TYPE: 'bedrock', NAME: 'x' }, 'CODER_AIBRIDGE_PROVIDER_4_TYPE="bedrock" is invalid: expected one of openai, anthropic.'],
    ['TYPE in upper case', { TYPE: 'OpenAI', NAME: 'x' }, 'CODER_AIBRIDGE_PROVIDER_4_TYPE="OpenAI" is invalid: expected one of openai, anthropic.'],
    ['no TYPE', { NAME: 'x', KEY: 'k' }, 'CODER_AIBRIDGE_PROVIDER_4_TYPE="" is invalid: expected one of openai, anthropic.'],
    ['no NAME', { TYPE: 'openai' }, `CODER_AIBRIDGE_PROVIDER_4_NAME="" ${BAD_NAME}`],
    ['NAME in upper case', { TYPE: 'openai', NAME: 'Corp' }, `CODER_AIBRIDGE_PROVIDER_4_NAME="Corp" ${BAD_NAME}`],
    ['NAME of 65 characters', { TYPE: 'openai', NAME: 'a'.repeat(65) }, `CODER_AIBRIDGE_PROVIDER_4_NAME="${'a'.repeat(65)}" ${BAD_NAME}`],
    ['NAME with a double hyphen', { TYPE: 'openai', NAME: 'a--b' }, `CODER_AIBRIDGE_PROVIDER_4_NAME="a--b" ${BAD_NAME}`],
    ['NAME with a leading hyphen', { TYPE: 'openai', NAME: '-a' }, `CODER_AIBRIDGE_PROVIDER_4_NAME="-a" ${BAD_NAME}`],
    ['NAME with a trailing hyphen', { TYPE: 'openai', NAME: 'a-' }, `CODER_AIBRIDGE_PROVIDER_4_NAME="a-" ${BAD_NAME}`],
    ['NAME with an underscore', { TYPE: 'openai', NAME: 'a_b' }, `CODER_AIBRIDGE_PROVIDER_4_NAME="a_b" ${BAD_NAME}`],
    ['NAME with a slash', { TYPE: 'openai', NAME: 'a/b' }, `CODER_AIBRIDGE_PROVIDER_4_NAME="a/b" ${BAD_NAME}`],
    ['NAME with a dot', { TYPE: 'openai', NAME: 'a.b' }, `CODER_AIBRIDGE_PROVIDER_4_NAME="a.b" ${BAD_NAME}`],
    ['the reserved route "interceptions"', { TYPE: 'openai', NAME: 'interceptions' }, `CODER_AIBRIDGE_PROVIDER_4_NAME="interceptions" ${BAD_NAME}`],
    ['the reserved route "coderd-keys"', { TYPE: 'anthropic', NAME: 'coderd-keys' }, `CODER_AIBRIDGE_PROVIDER_4_NAME="coderd-keys" ${BAD_NAME}`],
    ['the reserved route "sessions"', { TYPE: 'openai', NAME: 'sessions' }, `CODER_AIBRIDGE_PROVIDER_4_NAME="sessions" ${BAD_NAME}`],
    ['the reserved route "models"', { TYPE: 'openai', NAME: 'models' }, `CODER_AIBRIDGE_PROVIDER_4_NAME="models" ${BAD_NAME}`],
    ['the reserved route "clients"', { TYPE: 'openai', NAME: 'clients' }, `CODER_AIBRIDGE_PROVIDER_4_NAME="clients" ${BAD_NAME}`],
    ['the built-in name "openai"', { TYPE: 'openai', NAME: 'openai' }, 'CODER_AIBRIDGE_PROVIDER_4_NAME="openai" is invalid: another provider already uses that name.'],
    ['the built-in name "anthropic"', { TYPE: 'anthropic', NAME: 'anthropic' }, 'CODER_AIBRIDGE_PROVIDER_4_NAME="anthropic" is invalid: another provider already uses that name.'],
    ['a bad BASE_URL', { TYPE: 'openai', NAME: 'x', BASE_URL: 'ftp://x.example.com' }, 'CODER_AIBRIDGE_PROVIDER_4_BASE_URL="ftp://x.example.com" is invalid: expected an http(s) URL.'],
  ])('rejects %s', (_name, fields, problem) => {
    const env = Object.fromEntries(Object.entries(fields).map(([k, v]) => [`CODER_AIBRIDGE_PROVIDER_4_${k}`, v]));
    expect(problems(configError(env))).toEqual([problem]);
  });

  it('a duplicate NAME is blamed on the later N', () => {
    const err = configError({
      CODER_AIBRIDGE_PROVIDER_2_TYPE: 'openai',
      CODER_AIBRIDGE_PROVIDER_2_NAME: 'corp',
      CODER_AIBRIDGE_PROVIDER_1_TYPE: 'anthropic',
      CODER_AIBRIDGE_PROVIDER_1_NAME: 'corp',
    });
    expect(problems(err)).toEqual(['CODER_AIBRIDGE_PROVIDER_2_NAME="corp" is invalid: another provider already uses that name.']);
  });

  it('every bad provider is named in one ConfigError, in order of N, with the other bad variables', () => {
    const err = configError({
      CODER_AIBRIDGE_PROVIDER_1_TYPE: 'bedrock',
      CODER_AIBRIDGE_PROVIDER_1_NAME: 'aws',
      CODER_AIBRIDGE_PROVIDER_2_TYPE: 'openai',
      CODER_AIBRIDGE_PROVIDER_2_NAME: 'openai',
      CODER_AIBRIDGE_PROVIDER_3_TYPE: 'openai',
      CODER_AIBRIDGE_PROVIDER_3_NAME: 'interceptions',
      CODER_AIBRIDGE_PROVIDER_4_TYPE: 'anthropic',
      CODER_AIBRIDGE_PROVIDER_4_NAME: 'coderd-keys',
      CODER_AIBRIDGE_PROVIDER_5_TYPE: 'openai',
      CODER_AIBRIDGE_PROVIDER_5_NAME: 'Corp',
      CODER_AIBRIDGE_PROVIDER_6_TYPE: 'openai',
      CODER_AIBRIDGE_PROVIDER_6_NAME: 'b'.repeat(65),
      CODER_AIBRIDGE_PROVIDER_7_TYPE: 'anthropic',
      CODER_AIBRIDGE_PROVIDER_7_NAME: 'good',
      CODER_AIBRIDGE_PROVIDER_8_TYPE: 'openai',
      CODER_AIBRIDGE_PROVIDER_8_NAME: 'good',
      CODER_AIBRIDGE_PROVIDER_9_TYPE: 'openai',
      CODER_AIBRIDGE_PROVIDER_9_NAME: 'fine',
      CODER_AIBRIDGE_PROVIDER_9_BASE_URL: 'nope',
      CODER_AIBRIDGE_OPENAI_BASE_URL: 'ftp://x',
      CODER_AIBRIDGE_MAX_CONCURRENCY: '-1',
      CODER_AIBRIDGE_RETENTION: 'forever',
      CODER_PROMETHEUS_ADDRESS: '2112',
      CODER_SESSION_DURATION: 'x',
    });
    expect(err.message).toBe(
      [
        'Invalid configuration:',
        '  CODER_SESSION_DURATION="x" is invalid: expected a positive duration such as "24h" or "90m".',
        '  CODER_PROMETHEUS_ADDRESS="2112" is invalid: expected host:port, e.g. "127.0.0.1:2112".',
        '  CODER_AIBRIDGE_OPENAI_BASE_URL="ftp://x" is invalid: expected an http(s) URL.',
        '  CODER_AIBRIDGE_PROVIDER_1_TYPE="bedrock" is invalid: expected one of openai, anthropic.',
        '  CODER_AIBRIDGE_PROVIDER_2_NAME="openai" is invalid: another provider already uses that name.',
        `  CODER_AIBRIDGE_PROVIDER_3_NAME="interceptions" ${BAD_NAME}`,
        `  CODER_AIBRIDGE_PROVIDER_4_NAME="coderd-keys" ${BAD_NAME}`,
        `  CODER_AIBRIDGE_PROVIDER_5_NAME="Corp" ${BAD_NAME}`,
        `  CODER_AIBRIDGE_PROVIDER_6_NAME="${'b'.repeat(65)}" ${BAD_NAME}`,
        '  CODER_AIBRIDGE_PROVIDER_8_NAME="good" is invalid: another provider already uses that name.',
        '  CODER_AIBRIDGE_PROVIDER_9_BASE_URL="nope" is invalid: expected an http(s) URL.',
        '  CODER_AIBRIDGE_MAX_CONCURRENCY="-1" is invalid: expected an integer >= 0.',
        '  CODER_AIBRIDGE_RETENTION="forever" is invalid: expected a duration such as "60d" or "720h", or 0 to keep everything.',
      ].join('\n'),
    );
  });

  it('variables that are not CODER_AIBRIDGE_PROVIDER_<N>_<TYPE|NAME|KEY|BASE_URL> are ignored', () => {
    expect(
      aibridge({
        CODER_AIBRIDGE_PROVIDER_X_TYPE: 'openai',
        CODER_AIBRIDGE_PROVIDER_TYPE: 'openai',
        CODER_AIBRIDGE_PROVIDER_0_TPYE: 'openai',
      }).providers,
    ).toEqual([OPENAI_DEFAULT, ANTHROPIC_DEFAULT]);
  });

  // BUG: a zero-padded index is read under another name. With CODER_AIBRIDGE_PROVIDER_01_TYPE=openai
  // and CODER_AIBRIDGE_PROVIDER_01_NAME=corp, the index parses as 1 and the fields are then looked up
  // as CODER_AIBRIDGE_PROVIDER_1_*, which are unset: start-up fails blaming a variable nobody set
  // ('CODER_AIBRIDGE_PROVIDER_1_TYPE="" is invalid: ...'). Expected: the provider is read from the
  // variables that were set, or the error names them (CODER_AIBRIDGE_PROVIDER_01_...).
  it('a zero-padded index is read from (or blamed on) the variables that were actually set', () => {
    const env = { ...BASE, CODER_AIBRIDGE_PROVIDER_01_TYPE: 'openai', CODER_AIBRIDGE_PROVIDER_01_NAME: 'corp' };
    let outcome: string;
    try {
      const names = loadConfig(env).aibridge.providers.map((p) => p.name);
      outcome = names.includes('corp') ? 'read' : `loaded without it: ${names.join(',')}`;
    } catch (err) {
      outcome = err instanceof ConfigError && err.message.includes('CODER_AIBRIDGE_PROVIDER_01_') ? 'blamed' : String(err);
    }
    expect(['read', 'blamed']).toContain(outcome);
  });
});

describe('AI Bridge configuration: limits, retention, timeouts', () => {
  it.each<[string, string, Partial<AibridgeConfig>]>([
    ['CODER_AIBRIDGE_MAX_CONCURRENCY', '0', { maxConcurrency: 0 }],
    ['CODER_AIBRIDGE_MAX_CONCURRENCY', '250', { maxConcurrency: 250 }],
    ['CODER_AIBRIDGE_MAX_CONCURRENCY', ' 8 ', { maxConcurrency: 8 }],
    ['CODER_AIBRIDGE_RATE_LIMIT', '0', { rateLimit: 0 }],
    ['CODER_AIBRIDGE_RATE_LIMIT', '10', { rateLimit: 10 }],
    ['CODER_AIBRIDGE_RETENTION', '60d', { retentionMs: 60 * DAY }],
    ['CODER_AIBRIDGE_RETENTION', '7d', { retentionMs: 7 * DAY }],
    ['CODER_AIBRIDGE_RETENTION', '720h', { retentionMs: 30 * DAY }],
    ['CODER_AIBRIDGE_RETENTION', '1h30m', { retentionMs: 1.5 * HOUR }],
    ['CODER_AIBRIDGE_RETENTION', '0', { retentionMs: 0 }],
    ['CODER_AIBRIDGE_RETENTION', '0d', { retentionMs: 0 }],
    ['CODER_AIBRIDGE_RETENTION', '0s', { retentionMs: 0 }],
    ['CODER_AIBRIDGE_RETENTION', ' 90d ', { retentionMs: 90 * DAY }],
    ['CODER_AIBRIDGE_CONNECT_TIMEOUT', '30s', { connectTimeoutMs: 30_000 }],
    ['CODER_AIBRIDGE_CONNECT_TIMEOUT', '1500ms', { connectTimeoutMs: 1_500 }],
    ['CODER_AIBRIDGE_IDLE_TIMEOUT', '10m', { idleTimeoutMs: 600_000 }],
    ['CODER_AIBRIDGE_IDLE_TIMEOUT', '1h0m0s', { idleTimeoutMs: HOUR }],
    ['CODER_AIBRIDGE_ENABLED', 'true', { enabled: true }],
    ['CODER_AIBRIDGE_ENABLED', '1', { enabled: true }],
    ['CODER_AIBRIDGE_ENABLED', 'FALSE', { enabled: false }],
  ])('%s=%j', (name, value, expected) => {
    expect(aibridge({ [name]: value })).toMatchObject(expected);
  });

  const INTEGER = 'an integer >= 0';
  const RETENTION = 'a duration such as "60d" or "720h", or 0 to keep everything';
  const DURATION = 'a positive duration such as "24h" or "90m"';
  it.each<[string, string, string]>([
    ['CODER_AIBRIDGE_MAX_CONCURRENCY', '-1', INTEGER],
    ['CODER_AIBRIDGE_MAX_CONCURRENCY', '1.5', INTEGER],
    ['CODER_AIBRIDGE_MAX_CONCURRENCY', 'ten', INTEGER],
    ['CODER_AIBRIDGE_MAX_CONCURRENCY', '1e3', INTEGER],
    ['CODER_AIBRIDGE_RATE_LIMIT', '-5', INTEGER],
    ['CODER_AIBRIDGE_RATE_LIMIT', '2/s', INTEGER],
    ['CODER_AIBRIDGE_RETENTION', 'forever', RETENTION],
    ['CODER_AIBRIDGE_RETENTION', '-1d', RETENTION],
    ['CODER_AIBRIDGE_RETENTION', '-5h', RETENTION],
    ['CODER_AIBRIDGE_RETENTION', '1.5d', RETENTION],
    ['CODER_AIBRIDGE_RETENTION', '60D', RETENTION],
    ['CODER_AIBRIDGE_RETENTION', '60 d', RETENTION],
    ['CODER_AIBRIDGE_RETENTION', '2w', RETENTION],
    ['CODER_AIBRIDGE_RETENTION', '60', RETENTION],
    ['CODER_AIBRIDGE_CONNECT_TIMEOUT', '0', DURATION],
    ['CODER_AIBRIDGE_CONNECT_TIMEOUT', '10', DURATION],
    ['CODER_AIBRIDGE_CONNECT_TIMEOUT', '-1s', DURATION],
    ['CODER_AIBRIDGE_IDLE_TIMEOUT', '1d', DURATION],
    ['CODER_AIBRIDGE_IDLE_TIMEOUT', 'soon', DURATION],
  ])('%s=%j is rejected', (name, value, expected) => {
    expect(problems(configError({ [name]: value }))).toEqual([`${name}=${JSON.stringify(value)} is invalid: expected ${expected}.`]);
  });
});

describe('CODER_PROMETHEUS_ADDRESS', () => {
  it.each<[string, { host: string; port: number }]>([
    ['127.0.0.1:2112', { host: '127.0.0.1', port: 2112 }],
    [':2112', { host: '0.0.0.0', port: 2112 }],
    ['0.0.0.0:9090', { host: '0.0.0.0', port: 9090 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
    ['[::1]:2112', { host: '::1', port: 2112 }],
    ['[::]:2112', { host: '::', port: 2112 }],
    [' 127.0.0.1:2112 ', { host: '127.0.0.1', port: 2112 }],
  ])('%j', (value, expected) => {
    expect(loadConfig({ ...BASE, CODER_PROMETHEUS_ADDRESS: value }).prometheusAddress).toEqual(expected);
  });

  it.each<string>(['2112', 'localhost', 'localhost:', 'localhost:65536', 'localhost:metrics', '::1:2112', 'http://127.0.0.1:2112'])('%j is rejected', (value) => {
    expect(problems(configError({ CODER_PROMETHEUS_ADDRESS: value }))).toEqual([
      `CODER_PROMETHEUS_ADDRESS=${JSON.stringify(value)} is invalid: expected host:port, e.g. "127.0.0.1:2112".`,
    ]);
  });
});
