// AI Bridge settings (Coder's CODER_AIBRIDGE_*). Read by the core like every variable, used only by
// the enterprise gateway.
import { parseGoDuration } from './duration.js';
import { envReader, parseHttpUrl, type Env } from './env-reader.js';

export const AIBRIDGE_PROVIDER_TYPES = ['openai', 'anthropic'] as const;
export type AibridgeProviderType = (typeof AIBRIDGE_PROVIDER_TYPES)[number];

export interface AibridgeProviderConfig {
  type: AibridgeProviderType;
  /** The route prefix: /api/v2/aibridge/<name>/... */
  name: string;
  /** The central key sent upstream; '' = not configured (requests are refused with 503). */
  key: string;
  /** The variable the key comes from, for messages that tell an administrator what to set. */
  keyVariable: string;
  /** OpenAI's includes /v1 (https://api.openai.com/v1); Anthropic's does not. */
  baseUrl: string;
}

export interface AibridgeConfig {
  enabled: boolean;
  providers: AibridgeProviderConfig[];
  /** Requests in flight per replica; 0 = no limit. */
  maxConcurrency: number;
  /** Requests per second per token (or IP); 0 = no limit. */
  rateLimit: number;
  /** How long interceptions are kept; 0 = forever. */
  retentionMs: number;
  connectTimeoutMs: number;
  /** Longest silence from the provider, before headers or between body chunks. */
  idleTimeoutMs: number;
  /** The AI budget period (UTC calendar day, ISO week from Monday, or calendar month). */
  budgetPeriod: AiBudgetPeriod;
}

export const AI_BUDGET_PERIODS = ['day', 'week', 'month'] as const;
export type AiBudgetPeriod = (typeof AI_BUDGET_PERIODS)[number];

export const DEFAULT_BASE_URLS: Record<AibridgeProviderType, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
};

/** Names that are routes of their own under /api/v2/aibridge, never provider prefixes. */
const RESERVED_NAMES = new Set(['interceptions', 'coderd-keys', 'sessions', 'models', 'clients']);
const NAME_RE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const PROVIDER_VAR_RE = /^CODER_AIBRIDGE_PROVIDER_(\d+)_(TYPE|NAME|KEY|BASE_URL)$/;
const DAY_MS = 86_400_000;

export function loadAibridgeConfig(env: Env, problems: string[]): AibridgeConfig {
  const { read, duration, bool, int } = envReader(env, problems);
  const url = (name: string, fallback: string) => read(name, fallback, parseHttpUrl, 'an http(s) URL');
  const providers: AibridgeProviderConfig[] = [
    builtIn('openai', env, url),
    builtIn('anthropic', env, url),
    ...namedProviders(env, problems, url),
  ];
  return {
    enabled: bool('CODER_AIBRIDGE_ENABLED'),
    providers,
    maxConcurrency: int('CODER_AIBRIDGE_MAX_CONCURRENCY', 0, 0),
    rateLimit: int('CODER_AIBRIDGE_RATE_LIMIT', 0, 0),
    retentionMs: read('CODER_AIBRIDGE_RETENTION', 60 * DAY_MS, parseRetention, 'a duration such as "60d" or "720h", or 0 to keep everything'),
    connectTimeoutMs: duration('CODER_AIBRIDGE_CONNECT_TIMEOUT', '10s'),
    idleTimeoutMs: duration('CODER_AIBRIDGE_IDLE_TIMEOUT', '5m'),
    budgetPeriod: read('CODER_AIBRIDGE_BUDGET_PERIOD', 'month' as AiBudgetPeriod, (r) => (AI_BUDGET_PERIODS as readonly string[]).includes(r) ? (r as AiBudgetPeriod) : undefined, '"day", "week" or "month"'),
  };
}

/** The two providers every deployment has, keyed by CODER_AIBRIDGE_OPENAI_* / CODER_AIBRIDGE_ANTHROPIC_*. */
function builtIn(type: AibridgeProviderType, env: Env, url: (name: string, fallback: string) => string): AibridgeProviderConfig {
  const prefix = `CODER_AIBRIDGE_${type.toUpperCase()}`;
  return { type, name: type, key: env[`${prefix}_KEY`]?.trim() ?? '', keyVariable: `${prefix}_KEY`, baseUrl: url(`${prefix}_BASE_URL`, DEFAULT_BASE_URLS[type]) };
}

/** `CODER_AIBRIDGE_PROVIDER_<N>_{TYPE,NAME,KEY,BASE_URL}`, in order of N. */
function namedProviders(env: Env, problems: string[], url: (name: string, fallback: string) => string): AibridgeProviderConfig[] {
  // Indexes as written ("01" stays "01": its variables are the ones read), ordered by value.
  const indexes = new Set<string>();
  for (const k of Object.keys(env)) {
    const m = PROVIDER_VAR_RE.exec(k);
    if (m) indexes.add(m[1]);
  }
  const taken = new Set(['openai', 'anthropic']);
  const out: AibridgeProviderConfig[] = [];
  for (const n of [...indexes].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b))) {
    const v = (field: string) => env[`CODER_AIBRIDGE_PROVIDER_${n}_${field}`]?.trim() ?? '';
    const prefix = `CODER_AIBRIDGE_PROVIDER_${n}`;
    const type = v('TYPE');
    const name = v('NAME');
    if (!(AIBRIDGE_PROVIDER_TYPES as readonly string[]).includes(type)) {
      problems.push(`${prefix}_TYPE=${JSON.stringify(type)} is invalid: expected one of ${AIBRIDGE_PROVIDER_TYPES.join(', ')}.`);
      continue;
    }
    if (!NAME_RE.test(name) || name.length > 64 || RESERVED_NAMES.has(name)) {
      problems.push(`${prefix}_NAME=${JSON.stringify(name)} is invalid: expected lowercase letters, digits and single hyphens (at most 64), not a reserved route name.`);
      continue;
    }
    if (taken.has(name)) {
      problems.push(`${prefix}_NAME=${JSON.stringify(name)} is invalid: another provider already uses that name.`);
      continue;
    }
    taken.add(name);
    const t = type as AibridgeProviderType;
    out.push({ type: t, name, key: v('KEY'), keyVariable: `${prefix}_KEY`, baseUrl: url(`${prefix}_BASE_URL`, DEFAULT_BASE_URLS[t]) });
  }
  return out;
}

/** Coder writes the default as "60d"; Go durations have no days, so they are read here. "0" keeps everything. */
function parseRetention(raw: string): number | undefined {
  if (raw === '0') return 0;
  const days = /^(\d+)d$/.exec(raw);
  if (days) return Number(days[1]) * DAY_MS;
  const ms = parseGoDuration(raw);
  return ms !== undefined && ms >= 0 ? ms : undefined;
}
