import { homedir } from 'node:os';
import path from 'node:path';
import { parseGoDuration } from './duration.js';

export type HttpAdapterName = 'fastify' | 'express';

/** Everything the server reads from its environment, validated once at start-up. */
export interface DeploymentConfig {
  httpAddress: { host: string; port: number };
  accessUrl: string;
  pgConnectionUrl: string; // '' = embedded PostgreSQL
  pgConnMaxOpen: number;
  cacheDirectory: string;
  sessionDurationMs: number;
  maxTokenLifetimeMs: number;
  disableSessionExpiryRefresh: boolean;
  disablePasswordAuth: boolean;
  secureAuthCookie: boolean;
  experiments: string[];
  apiRateLimit: number; // requests per minute per user/IP and endpoint; <= 0 disables
  loginRateLimit: number; // per minute per IP on the login endpoints
  rateLimitDisableAll: boolean;
  httpAdapter: HttpAdapterName;
  verbose: boolean;
  /** Enterprise: JSON file of extra trusted license keys ({kid: public JWK}); '' = embedded keys only. */
  licensePublicKeysFile: string;
  /** Enterprise: how often entitlements are recomputed even when nothing announced a change. */
  entitlementsRefreshIntervalMs: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

/** Every variable we read, with its description; docs/configuration.md lists the same set. */
export const CONFIG_VARIABLES = [
  'CODER_HTTP_ADDRESS',
  'CODER_ACCESS_URL',
  'CODER_PG_CONNECTION_URL',
  'CODER_PG_CONN_MAX_OPEN',
  'CODER_CACHE_DIRECTORY',
  'CODER_SESSION_DURATION',
  'CODER_MAX_TOKEN_LIFETIME',
  'CODER_DISABLE_SESSION_EXPIRY_REFRESH',
  'CODER_DISABLE_PASSWORD_AUTH',
  'CODER_SECURE_AUTH_COOKIE',
  'CODER_EXPERIMENTS',
  'CODER_API_RATE_LIMIT',
  'CODER_LOGIN_RATE_LIMIT',
  'CODER_RATE_LIMIT_DISABLE_ALL',
  'CODER_HTTP_ADAPTER',
  'CODER_VERBOSE',
  'CODER_LICENSE_PUBLIC_KEYS',
  'CODER_ENTITLEMENTS_REFRESH_INTERVAL',
] as const;

/** Reads and validates the configuration; throws one ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env): DeploymentConfig {
  const problems: string[] = [];
  const read = <T>(name: string, fallback: T, parse: (raw: string) => T | undefined, expected: string): T => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const value = parse(raw.trim());
    if (value === undefined) {
      problems.push(`${name}=${JSON.stringify(raw)} is invalid: expected ${expected}.`);
      return fallback;
    }
    return value;
  };
  const duration = (name: string, fallback: string) =>
    read(name, parseGoDuration(fallback)!, (r) => positive(parseGoDuration(r)), 'a positive duration such as "24h" or "90m"');
  const bool = (name: string) => read(name, false, parseBool, '"true" or "false"');
  const int = (name: string, fallback: number, min: number) =>
    read(name, fallback, (r) => (/^-?\d+$/.test(r) && Number(r) >= min ? Number(r) : undefined), `an integer >= ${min}`);

  const httpAddress = read('CODER_HTTP_ADDRESS', { host: '127.0.0.1', port: 3000 }, parseAddress, 'host:port, e.g. "127.0.0.1:3000"');
  const host = httpAddress.host === '0.0.0.0' ? '127.0.0.1' : httpAddress.host === '::' ? '[::1]' : httpAddress.host;
  const defaultAccessUrl = `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${httpAddress.port}`;
  const config: DeploymentConfig = {
    httpAddress,
    accessUrl: read('CODER_ACCESS_URL', defaultAccessUrl, parseHttpUrl, 'an http(s) URL'),
    pgConnectionUrl: read('CODER_PG_CONNECTION_URL', '', parsePostgresUrl, 'a postgres:// or postgresql:// URL'),
    pgConnMaxOpen: int('CODER_PG_CONN_MAX_OPEN', 10, 1),
    cacheDirectory: read('CODER_CACHE_DIRECTORY', defaultCacheDir(env), (r) => path.resolve(r), 'a directory path'),
    sessionDurationMs: duration('CODER_SESSION_DURATION', '24h'),
    maxTokenLifetimeMs: duration('CODER_MAX_TOKEN_LIFETIME', '876600h'),
    disableSessionExpiryRefresh: bool('CODER_DISABLE_SESSION_EXPIRY_REFRESH'),
    disablePasswordAuth: bool('CODER_DISABLE_PASSWORD_AUTH'),
    secureAuthCookie: bool('CODER_SECURE_AUTH_COOKIE'),
    experiments: read('CODER_EXPERIMENTS', [], parseList, 'a comma-separated list of experiment names'),
    apiRateLimit: int('CODER_API_RATE_LIMIT', 512, -1),
    loginRateLimit: int('CODER_LOGIN_RATE_LIMIT', 12, -1),
    rateLimitDisableAll: bool('CODER_RATE_LIMIT_DISABLE_ALL'),
    httpAdapter: read('CODER_HTTP_ADAPTER', 'fastify' as HttpAdapterName, parseAdapter, '"fastify" or "express"'),
    verbose: bool('CODER_VERBOSE'),
    licensePublicKeysFile: read('CODER_LICENSE_PUBLIC_KEYS', '', (r) => path.resolve(r), 'a file path'),
    entitlementsRefreshIntervalMs: duration('CODER_ENTITLEMENTS_REFRESH_INTERVAL', '10m'),
  };
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return config;
}

function positive(n: number | undefined): number | undefined {
  return n !== undefined && n > 0 ? n : undefined;
}

function parseBool(raw: string): boolean | undefined {
  const v = raw.toLowerCase();
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  return undefined;
}

function parseAddress(raw: string): { host: string; port: number } | undefined {
  const m = /^(\[[^\]]+\]|[^:]*):(\d{1,5})$/.exec(raw);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port > 65535) return undefined;
  return { host: m[1] === '' ? '0.0.0.0' : m[1].replace(/^\[|\]$/g, ''), port };
}

function parseHttpUrl(raw: string): string | undefined {
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:' ? raw.replace(/\/+$/, '') : undefined;
  } catch {
    return undefined;
  }
}

function parsePostgresUrl(raw: string): string | undefined {
  try {
    const u = new URL(raw);
    return u.protocol === 'postgres:' || u.protocol === 'postgresql:' ? raw : undefined;
  } catch {
    return undefined;
  }
}

function parseList(raw: string): string[] {
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}

function parseAdapter(raw: string): HttpAdapterName | undefined {
  return raw === 'fastify' || raw === 'express' ? raw : undefined;
}

function defaultCacheDir(env: Env): string {
  const base = env.XDG_CACHE_HOME || path.join(env.HOME || homedir(), '.cache');
  return path.join(base, 'coderd-ts');
}
