// Reading CODER_* variables: every bad value is collected, so start-up names them all at once.
import { parseGoDuration } from './duration.js';

export type Env = Record<string, string | undefined>;

/** Typed readers over `env` that push a message to `problems` for each invalid value and fall back. */
export function envReader(env: Env, problems: string[]) {
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
  return { read, duration, bool, int };
}

export function positive(n: number | undefined): number | undefined {
  return n !== undefined && n > 0 ? n : undefined;
}

export function parseBool(raw: string): boolean | undefined {
  const v = raw.toLowerCase();
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  return undefined;
}

export function parseAddress(raw: string): { host: string; port: number } | undefined {
  const m = /^(\[[^\]]+\]|[^:]*):(\d{1,5})$/.exec(raw);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port > 65535) return undefined;
  return { host: m[1] === '' ? '0.0.0.0' : m[1].replace(/^\[|\]$/g, ''), port };
}

export function parseHttpUrl(raw: string): string | undefined {
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:' ? raw.replace(/\/+$/, '') : undefined;
  } catch {
    return undefined;
  }
}

export function parsePostgresUrl(raw: string): string | undefined {
  try {
    const u = new URL(raw);
    return u.protocol === 'postgres:' || u.protocol === 'postgresql:' ? raw : undefined;
  } catch {
    return undefined;
  }
}

export function parseList(raw: string): string[] {
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}
