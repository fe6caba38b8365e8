import { homedir } from 'node:os';
import path from 'node:path';
import { loadAibridgeConfig, type AibridgeConfig } from './aibridge-config.js';
import { envReader, parseAddress, parseHttpUrl, parseList, parsePostgresUrl, type Env } from './env-reader.js';

export type HttpAdapterName = 'fastify' | 'express';

/** Everything the server reads from its environment, validated once at start-up. */
export interface DeploymentConfig {
  httpAddress: { host: string; port: number };
  accessUrl: string;
  pgConnectionUrl: string; // '' = embedded PostgreSQL
  pgConnMaxOpen: number;
  /** Longest wait for a database connection (a free pooled one, or a new one being opened). */
  pgConnectTimeoutMs: number;
  cacheDirectory: string;
  sessionDurationMs: number;
  maxTokenLifetimeMs: number;
  disableSessionExpiryRefresh: boolean;
  disablePasswordAuth: boolean;
  secureAuthCookie: boolean;
  experiments: string[];
  /** Coder's newer switch for the OAuth2 provider (CODER_OAUTH2_PROVIDER_ENABLE): the same as the `oauth2` experiment. */
  oauth2ProviderEnable: boolean;
  /** Lifetime of an OAuth2 refresh token (CODER_DEFAULT_OAUTH_REFRESH_LIFETIME; 0 = the session duration). */
  oauth2RefreshLifetimeMs: number;
  /**
   * Client ID Metadata Documents may be fetched from loopback and private addresses
   * (CODER_DANGEROUS_OAUTH2_CLIENT_METADATA_ALLOW_PRIVATE): for development and tests only.
   */
  oauth2ClientMetadataAllowPrivate: boolean;
  /** Development mode (CODER_DEV_MODE): experiment-gated routes are on, as in Coder's development builds. */
  devMode: boolean;
  apiRateLimit: number; // requests per minute per user/IP and endpoint; <= 0 disables
  loginRateLimit: number; // per minute per IP on the login endpoints
  rateLimitDisableAll: boolean;
  httpAdapter: HttpAdapterName;
  verbose: boolean;
  /** On SIGTERM/SIGINT, how long in-flight requests may run on before their connections are cut. */
  shutdownGracePeriodMs: number;
  /** Built-in provisioner daemons started with the server (Coder's CODER_PROVISIONER_DAEMONS). */
  provisionerDaemons: number;
  /** A running job not heard from for this long is failed and its daemon loses it. */
  provisionerJobHeartbeatTimeoutMs: number;
  /** A job pending for this long without any daemon taking it is failed. */
  provisionerJobPendingTimeoutMs: number;
  /** How often the lifecycle executor looks for workspaces to autostart, autostop, make dormant or delete. */
  autobuildPollIntervalMs: number;
  /** Largest accepted upload on POST /files. */
  maxFileSizeBytes: number;
  /** Enterprise: JSON file of extra trusted license keys ({kid: public JWK}); '' = embedded keys only. */
  licensePublicKeysFile: string;
  /** Enterprise: how often entitlements are recomputed even when nothing announced a change. */
  entitlementsRefreshIntervalMs: number;
  /** Where Prometheus metrics are served (host:port); undefined = not served. */
  prometheusAddress?: { host: string; port: number };
  /** Enterprise: the AI Bridge LLM gateway. */
  aibridge: AibridgeConfig;
}

export class ConfigError extends Error {}

/** Every variable we read, with its description; docs/configuration.md lists the same set. */
export const CONFIG_VARIABLES = [
  'CODER_HTTP_ADDRESS',
  'CODER_ACCESS_URL',
  'CODER_PG_CONNECTION_URL',
  'CODER_PG_CONN_MAX_OPEN',
  'CODER_PG_CONNECT_TIMEOUT',
  'CODER_CACHE_DIRECTORY',
  'CODER_SESSION_DURATION',
  'CODER_MAX_TOKEN_LIFETIME',
  'CODER_DISABLE_SESSION_EXPIRY_REFRESH',
  'CODER_DISABLE_PASSWORD_AUTH',
  'CODER_SECURE_AUTH_COOKIE',
  'CODER_EXPERIMENTS',
  'CODER_OAUTH2_PROVIDER_ENABLE',
  'CODER_DEFAULT_OAUTH_REFRESH_LIFETIME',
  'CODER_DANGEROUS_OAUTH2_CLIENT_METADATA_ALLOW_PRIVATE',
  'CODER_DEV_MODE',
  'CODER_API_RATE_LIMIT',
  'CODER_LOGIN_RATE_LIMIT',
  'CODER_RATE_LIMIT_DISABLE_ALL',
  'CODER_HTTP_ADAPTER',
  'CODER_VERBOSE',
  'CODER_SHUTDOWN_GRACE_PERIOD',
  'CODER_LICENSE_PUBLIC_KEYS',
  'CODER_ENTITLEMENTS_REFRESH_INTERVAL',
  'CODER_PROMETHEUS_ADDRESS',
  'CODER_AIBRIDGE_ENABLED',
  'CODER_AIBRIDGE_OPENAI_KEY',
  'CODER_AIBRIDGE_OPENAI_BASE_URL',
  'CODER_AIBRIDGE_ANTHROPIC_KEY',
  'CODER_AIBRIDGE_ANTHROPIC_BASE_URL',
  'CODER_AIBRIDGE_PROVIDER_<N>_TYPE',
  'CODER_AIBRIDGE_PROVIDER_<N>_NAME',
  'CODER_AIBRIDGE_PROVIDER_<N>_KEY',
  'CODER_AIBRIDGE_PROVIDER_<N>_BASE_URL',
  'CODER_AIBRIDGE_MAX_CONCURRENCY',
  'CODER_AIBRIDGE_RATE_LIMIT',
  'CODER_AIBRIDGE_RETENTION',
  'CODER_AIBRIDGE_CONNECT_TIMEOUT',
  'CODER_AIBRIDGE_IDLE_TIMEOUT',
  'CODER_AIBRIDGE_BUDGET_PERIOD',
] as const;

/** Reads and validates the configuration; throws one ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env): DeploymentConfig {
  const problems: string[] = [];
  const { read, duration, bool, int } = envReader(env, problems);

  const httpAddress = read('CODER_HTTP_ADDRESS', { host: '127.0.0.1', port: 3000 }, parseAddress, 'host:port, e.g. "127.0.0.1:3000"');
  const host = httpAddress.host === '0.0.0.0' ? '127.0.0.1' : httpAddress.host === '::' ? '[::1]' : httpAddress.host;
  const defaultAccessUrl = `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${httpAddress.port}`;
  const config: DeploymentConfig = {
    httpAddress,
    accessUrl: read('CODER_ACCESS_URL', defaultAccessUrl, parseHttpUrl, 'an http(s) URL'),
    pgConnectionUrl: read('CODER_PG_CONNECTION_URL', '', parsePostgresUrl, 'a postgres:// or postgresql:// URL'),
    pgConnMaxOpen: int('CODER_PG_CONN_MAX_OPEN', 10, 1),
    pgConnectTimeoutMs: duration('CODER_PG_CONNECT_TIMEOUT', '5s'),
    cacheDirectory: read('CODER_CACHE_DIRECTORY', defaultCacheDir(env), (r) => path.resolve(r), 'a directory path'),
    sessionDurationMs: duration('CODER_SESSION_DURATION', '24h'),
    maxTokenLifetimeMs: duration('CODER_MAX_TOKEN_LIFETIME', '876600h'),
    disableSessionExpiryRefresh: bool('CODER_DISABLE_SESSION_EXPIRY_REFRESH'),
    disablePasswordAuth: bool('CODER_DISABLE_PASSWORD_AUTH'),
    secureAuthCookie: bool('CODER_SECURE_AUTH_COOKIE'),
    experiments: read('CODER_EXPERIMENTS', [], parseList, 'a comma-separated list of experiment names'),
    oauth2ProviderEnable: bool('CODER_OAUTH2_PROVIDER_ENABLE'),
    oauth2RefreshLifetimeMs: duration('CODER_DEFAULT_OAUTH_REFRESH_LIFETIME', '720h'),
    oauth2ClientMetadataAllowPrivate: bool('CODER_DANGEROUS_OAUTH2_CLIENT_METADATA_ALLOW_PRIVATE'),
    devMode: bool('CODER_DEV_MODE'),
    apiRateLimit: int('CODER_API_RATE_LIMIT', 512, -1),
    loginRateLimit: int('CODER_LOGIN_RATE_LIMIT', 12, -1),
    rateLimitDisableAll: bool('CODER_RATE_LIMIT_DISABLE_ALL'),
    httpAdapter: read('CODER_HTTP_ADAPTER', 'fastify' as HttpAdapterName, parseAdapter, '"fastify" or "express"'),
    verbose: bool('CODER_VERBOSE'),
    shutdownGracePeriodMs: duration('CODER_SHUTDOWN_GRACE_PERIOD', '30s'),
    provisionerDaemons: int('CODER_PROVISIONER_DAEMONS', 3, 0),
    provisionerJobHeartbeatTimeoutMs: duration('CODER_PROVISIONER_JOB_HEARTBEAT_TIMEOUT', '5m'),
    provisionerJobPendingTimeoutMs: duration('CODER_PROVISIONER_JOB_PENDING_TIMEOUT', '30m'),
    autobuildPollIntervalMs: duration('CODER_AUTOBUILD_POLL_INTERVAL', '1m'),
    maxFileSizeBytes: int('CODER_MAX_FILE_SIZE', 100 * 1024 * 1024, 1),
    licensePublicKeysFile: read('CODER_LICENSE_PUBLIC_KEYS', '', (r) => path.resolve(r), 'a file path'),
    entitlementsRefreshIntervalMs: duration('CODER_ENTITLEMENTS_REFRESH_INTERVAL', '10m'),
    prometheusAddress: read('CODER_PROMETHEUS_ADDRESS', undefined, parseAddress, 'host:port, e.g. "127.0.0.1:2112"'),
    aibridge: loadAibridgeConfig(env, problems),
  };
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return config;
}

function defaultCacheDir(env: Env): string {
  const base = env.XDG_CACHE_HOME || path.join(env.HOME || homedir(), '.cache');
  return path.join(base, 'coderd-ts');
}

function parseAdapter(raw: string): HttpAdapterName | undefined {
  return raw === 'fastify' || raw === 'express' ? raw : undefined;
}
