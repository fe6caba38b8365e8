// loadConfig: defaults, parsing, and one ConfigError naming every bad variable.
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig, type DeploymentConfig } from '#coderd/config/config.js';
import { BASE, configError } from './config-helpers.js';

const HOUR = 3_600_000;

describe('loadConfig defaults', () => {
  it('an empty environment gives Coder-like defaults', () => {
    const c = loadConfig({ ...BASE });
    const expected: DeploymentConfig = {
      httpAddress: { host: '127.0.0.1', port: 3000 },
      accessUrl: 'http://127.0.0.1:3000',
      pgConnectionUrl: '',
      pgConnMaxOpen: 10,
      pgConnectTimeoutMs: 5_000,
      cacheDirectory: path.join('/home/tester', '.cache', 'coderd-ts'),
      sessionDurationMs: 24 * HOUR,
      maxTokenLifetimeMs: 876_600 * HOUR,
      disableSessionExpiryRefresh: false,
      disablePasswordAuth: false,
      secureAuthCookie: false,
      experiments: [],
      oauth2ProviderEnable: false,
      oauth2RefreshLifetimeMs: 720 * 3_600_000,
      oauth2ClientMetadataAllowPrivate: false,
      devMode: false,
      apiRateLimit: 512,
      loginRateLimit: 12,
      rateLimitDisableAll: false,
      httpAdapter: 'fastify',
      verbose: false,
      shutdownGracePeriodMs: 30_000,
      provisionerDaemons: 3,
      provisionerJobHeartbeatTimeoutMs: 300_000,
      provisionerJobPendingTimeoutMs: 1_800_000,
      autobuildPollIntervalMs: 60_000,
      maxFileSizeBytes: 100 * 1024 * 1024,
      licensePublicKeysFile: '',
      entitlementsRefreshIntervalMs: 10 * 60_000,
      prometheusAddress: undefined,
      aibridge: {
        enabled: false,
        providers: [
          { type: 'openai', name: 'openai', key: '', keyVariable: 'CODER_AIBRIDGE_OPENAI_KEY', baseUrl: 'https://api.openai.com/v1' },
          { type: 'anthropic', name: 'anthropic', key: '', keyVariable: 'CODER_AIBRIDGE_ANTHROPIC_KEY', baseUrl: 'https://api.anthropic.com' },
        ],
        maxConcurrency: 0,
        rateLimit: 0,
        retentionMs: 60 * 24 * HOUR,
        connectTimeoutMs: 10_000,
        idleTimeoutMs: 5 * 60_000,
        budgetPeriod: 'month',
      },
    };
    expect(c).toEqual(expected);
  });

  it('blank values count as unset', () => {
    expect(loadConfig({ ...BASE, CODER_SESSION_DURATION: '  ', CODER_HTTP_ADAPTER: '' })).toMatchObject({ sessionDurationMs: 24 * HOUR, httpAdapter: 'fastify' });
  });

  it('XDG_CACHE_HOME moves the default cache directory', () => {
    expect(loadConfig({ ...BASE, XDG_CACHE_HOME: '/var/cache' }).cacheDirectory).toBe(path.join('/var/cache', 'coderd-ts'));
  });

  it('CODER_CACHE_DIRECTORY is resolved to an absolute path', () => {
    expect(loadConfig({ ...BASE, CODER_CACHE_DIRECTORY: 'rel/dir' }).cacheDirectory).toBe(path.resolve('rel/dir'));
  });
});

describe('loadConfig parses values', () => {
  it.each<[string, string, string, number]>([
    ['CODER_SESSION_DURATION', '24h', 'sessionDurationMs', 24 * HOUR],
    ['CODER_SESSION_DURATION', '1h30m', 'sessionDurationMs', 1.5 * HOUR],
    ['CODER_SESSION_DURATION', '90s', 'sessionDurationMs', 90_000],
    ['CODER_SESSION_DURATION', ' 2h ', 'sessionDurationMs', 2 * HOUR],
    ['CODER_MAX_TOKEN_LIFETIME', '720h', 'maxTokenLifetimeMs', 720 * HOUR],
    ['CODER_MAX_TOKEN_LIFETIME', '1h0m0s', 'maxTokenLifetimeMs', HOUR],
    ['CODER_PG_CONNECT_TIMEOUT', '500ms', 'pgConnectTimeoutMs', 500],
    ['CODER_SHUTDOWN_GRACE_PERIOD', '1s', 'shutdownGracePeriodMs', 1000],
    ['CODER_SHUTDOWN_GRACE_PERIOD', '2m30s', 'shutdownGracePeriodMs', 150_000],
  ])('duration %s=%s', (name, value, key, expected) => {
    expect(loadConfig({ ...BASE, [name]: value })[key as keyof DeploymentConfig]).toBe(expected);
  });

  it.each<[string, Partial<DeploymentConfig>]>([
    ['0.0.0.0:8080', { httpAddress: { host: '0.0.0.0', port: 8080 }, accessUrl: 'http://127.0.0.1:8080' }],
    [':3001', { httpAddress: { host: '0.0.0.0', port: 3001 }, accessUrl: 'http://127.0.0.1:3001' }],
    ['localhost:1', { httpAddress: { host: 'localhost', port: 1 }, accessUrl: 'http://localhost:1' }],
    ['[::1]:8080', { httpAddress: { host: '::1', port: 8080 } }],
  ])('CODER_HTTP_ADDRESS=%s', (value, expected) => {
    expect(loadConfig({ ...BASE, CODER_HTTP_ADDRESS: value })).toMatchObject(expected);
  });

  it('the derived access URL is a valid URL for an IPv6 listen address', () => {
    const { accessUrl } = loadConfig({ ...BASE, CODER_HTTP_ADDRESS: '[::1]:8080' });
    expect(() => new URL(accessUrl)).not.toThrow();
    expect(new URL(accessUrl).port).toBe('8080');
  });

  it.each<[string, string, Partial<DeploymentConfig>]>([
    ['CODER_ACCESS_URL', 'https://coder.example.com/', { accessUrl: 'https://coder.example.com' }],
    ['CODER_ACCESS_URL', 'http://10.0.0.1:7080', { accessUrl: 'http://10.0.0.1:7080' }],
    ['CODER_PG_CONNECTION_URL', 'postgres://u:p@db:5432/coder', { pgConnectionUrl: 'postgres://u:p@db:5432/coder' }],
    ['CODER_PG_CONNECTION_URL', 'postgresql://db/coder?sslmode=disable', { pgConnectionUrl: 'postgresql://db/coder?sslmode=disable' }],
    ['CODER_PG_CONN_MAX_OPEN', '50', { pgConnMaxOpen: 50 }],
    ['CODER_EXPERIMENTS', 'oauth2, web-push,,agents ', { experiments: ['oauth2', 'web-push', 'agents'] }],
    ['CODER_API_RATE_LIMIT', '-1', { apiRateLimit: -1 }],
    ['CODER_LOGIN_RATE_LIMIT', '0', { loginRateLimit: 0 }],
    ['CODER_HTTP_ADAPTER', 'express', { httpAdapter: 'express' }],
    ['CODER_DISABLE_PASSWORD_AUTH', 'true', { disablePasswordAuth: true }],
    ['CODER_SECURE_AUTH_COOKIE', 'TRUE', { secureAuthCookie: true }],
    ['CODER_VERBOSE', '1', { verbose: true }],
    ['CODER_RATE_LIMIT_DISABLE_ALL', 'yes', { rateLimitDisableAll: true }],
    ['CODER_DISABLE_SESSION_EXPIRY_REFRESH', 'false', { disableSessionExpiryRefresh: false }],
    ['CODER_DISABLE_SESSION_EXPIRY_REFRESH', '0', { disableSessionExpiryRefresh: false }],
  ])('%s=%s', (name, value, expected) => {
    expect(loadConfig({ ...BASE, [name]: value })).toMatchObject(expected);
  });
});

describe('loadConfig rejects bad values, naming the variable', () => {
  it.each<[string, string]>([
    ['CODER_SESSION_DURATION', 'forever'],
    ['CODER_SESSION_DURATION', '0'],
    ['CODER_SESSION_DURATION', '-1h'],
    ['CODER_SESSION_DURATION', '10'],
    ['CODER_SESSION_DURATION', '1d'],
    ['CODER_MAX_TOKEN_LIFETIME', 'abc'],
    ['CODER_HTTP_ADDRESS', 'no-port'],
    ['CODER_HTTP_ADDRESS', '127.0.0.1:99999'],
    ['CODER_HTTP_ADDRESS', '127.0.0.1:http'],
    ['CODER_ACCESS_URL', 'not a url'],
    ['CODER_ACCESS_URL', 'ftp://coder.example.com'],
    ['CODER_PG_CONNECTION_URL', 'mysql://db/coder'],
    ['CODER_PG_CONNECTION_URL', 'db:5432'],
    ['CODER_PG_CONN_MAX_OPEN', '0'],
    ['CODER_PG_CONN_MAX_OPEN', 'many'],
    ['CODER_PG_CONN_MAX_OPEN', '1.5'],
    ['CODER_API_RATE_LIMIT', '-2'],
    ['CODER_LOGIN_RATE_LIMIT', 'lots'],
    ['CODER_HTTP_ADAPTER', 'koa'],
    ['CODER_HTTP_ADAPTER', 'Fastify'],
    ['CODER_VERBOSE', 'maybe'],
    ['CODER_DISABLE_PASSWORD_AUTH', 'on'],
    ['CODER_SECURE_AUTH_COOKIE', '2'],
    ['CODER_RATE_LIMIT_DISABLE_ALL', 'nope'],
    ['CODER_DISABLE_SESSION_EXPIRY_REFRESH', 'y'],
  ])('%s=%j', (name, value) => {
    const err = configError({ [name]: value });
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain(name);
    expect(err.message).toContain(JSON.stringify(value));
  });

  it('reports every bad variable in one error', () => {
    const err = configError({ CODER_SESSION_DURATION: 'x', CODER_HTTP_ADAPTER: 'koa', CODER_ACCESS_URL: 'nope', CODER_PG_CONN_MAX_OPEN: '0' });
    for (const name of ['CODER_SESSION_DURATION', 'CODER_HTTP_ADAPTER', 'CODER_ACCESS_URL', 'CODER_PG_CONN_MAX_OPEN']) {
      expect(err.message).toContain(name);
    }
    expect(err.message.split('\n').filter((l) => l.includes('is invalid'))).toHaveLength(4);
  });

  it('good variables are not blamed for a bad one', () => {
    const err = configError({ CODER_SESSION_DURATION: '24h', CODER_HTTP_ADAPTER: 'koa' });
    expect(err.message).toContain('CODER_HTTP_ADAPTER');
    expect(err.message).not.toContain('CODER_SESSION_DURATION');
  });
});
