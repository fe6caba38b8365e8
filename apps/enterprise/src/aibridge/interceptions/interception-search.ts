import { ApiError, type ValidationError } from '#httpapi/api-error.js';
import { UUID_RE } from '#httpapi/pagination.js';
import { USERNAME_RE } from '#coderd/users/users.dto.js';

/** Who started the interceptions: the caller, a user id, or a username (resolved by the service). */
export type InitiatorTerm = { kind: 'me' } | { kind: 'id'; id: string } | { kind: 'username'; username: string };

export interface InterceptionSearch {
  initiator?: InitiatorTerm;
  provider?: string;
  model?: string;
  client?: string;
  /** Inclusive lower bound on started_at, RFC 3339 text as given with `t`/`z` upper-cased (PostgreSQL parses it). */
  startedAfter?: string;
  /** Inclusive upper bound on started_at, RFC 3339 text like startedAfter. */
  startedBefore?: string;
}

export const INTERCEPTION_SEARCH_KEYS = ['initiator', 'provider', 'model', 'client', 'started_after', 'started_before'] as const;
type Key = (typeof INTERCEPTION_SEARCH_KEYS)[number];

export const INVALID_SEARCH_MESSAGE = 'Invalid interception search query.';

/**
 * Parses Coder's interceptions query, e.g. `initiator:me provider:anthropic started_after:2025-01-01T00:00:00Z`.
 * Terms are `key:value` (the value may be quoted and may itself contain colons, so timestamps need
 * no quotes); a bare term is the initiator. Each key may appear once. Every problem is a validation
 * entry on `q` naming the offending term; the whole query is then refused with 400.
 */
export function parseInterceptionSearch(q: string | undefined): InterceptionSearch {
  const out: InterceptionSearch = {};
  const problems: string[] = [];
  const seen = new Set<Key>();
  const { terms, unterminated } = tokenize(q ?? '');
  if (unterminated) problems.push('The query has an unterminated quote.');
  for (const term of terms) {
    if (term.key === undefined) {
      set('initiator', term.value, term.raw);
      continue;
    }
    if (term.key === '' || term.value === '') {
      problems.push(`Query element "${term.raw}" cannot start or end with ':'.`);
      continue;
    }
    if (!(INTERCEPTION_SEARCH_KEYS as readonly string[]).includes(term.key)) {
      problems.push(`"${term.key}" is not a valid query param; use one of ${INTERCEPTION_SEARCH_KEYS.join(', ')}.`);
      continue;
    }
    set(term.key as Key, term.value, term.raw);
  }
  if (out.startedAfter && out.startedBefore && micros(out.startedBefore) <= micros(out.startedAfter)) {
    problems.push(`Query param "started_before" must be after "started_after".`);
  }
  if (problems.length) {
    throw new ApiError(400, INVALID_SEARCH_MESSAGE, undefined, problems.map((detail): ValidationError => ({ field: 'q', detail })));
  }
  return out;

  function set(key: Key, value: string, raw: string): void {
    if (seen.has(key)) {
      problems.push(`Query param "${key}" may be given only once (a bare term is the initiator); "${raw}" repeats it.`);
      return;
    }
    seen.add(key);
    switch (key) {
      case 'initiator': {
        const initiator = parseInitiator(value);
        if (initiator) out.initiator = initiator;
        else problems.push(`Query param "initiator" must be a user id, a username or "me"; "${value}" is none of these.`);
        break;
      }
      case 'started_after':
      case 'started_before':
        if (!isRfc3339(value)) problems.push(`Query param "${key}" must be an RFC 3339 timestamp such as 2025-01-31T10:00:00Z; "${value}" is not.`);
        else if (key === 'started_after') out.startedAfter = value.toUpperCase();
        else out.startedBefore = value.toUpperCase();
        break;
      default:
        out[key] = value;
    }
  }
}

function parseInitiator(value: string): InitiatorTerm | undefined {
  if (value === 'me') return { kind: 'me' };
  if (UUID_RE.test(value)) return { kind: 'id', id: value.toLowerCase() };
  if (value.length <= 32 && USERNAME_RE.test(value)) return { kind: 'username', username: value };
  return undefined;
}

interface Term {
  /** Lower-cased text before the first colon outside quotes; undefined for a bare term. */
  key?: string;
  /** The rest, quotes removed. */
  value: string;
  /** The term as written, for messages. */
  raw: string;
}

/** Splits on whitespace outside double quotes; quotes group and are dropped. */
function tokenize(q: string): { terms: Term[]; unterminated: boolean } {
  const terms: Term[] = [];
  let quoted = false;
  let raw = '';
  let text = '';
  let colon = -1;
  const flush = () => {
    if (raw) {
      terms.push(colon < 0 ? { value: text, raw } : { key: text.slice(0, colon).toLowerCase(), value: text.slice(colon + 1), raw });
    }
    raw = '';
    text = '';
    colon = -1;
  };
  for (const ch of q) {
    if (!quoted && /\s/.test(ch)) {
      flush();
      continue;
    }
    raw += ch;
    if (ch === '"') {
      quoted = !quoted;
      continue;
    }
    if (ch === ':' && !quoted && colon < 0) colon = text.length;
    text += ch;
  }
  flush();
  return { terms, unterminated: quoted };
}

const RFC3339_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/;

/** A full RFC 3339 date-time with a real calendar date and a zone (Go's time.RFC3339Nano). */
export function isRfc3339(value: string): boolean {
  const m = RFC3339_RE.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  const realDate = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  const zoneOk = m[9] === undefined || (Number(m[9]) <= 23 && Number(m[10]) <= 59);
  return realDate && hour <= 23 && minute <= 59 && second <= 59 && zoneOk;
}

/** Microseconds since the epoch (PostgreSQL's precision) of a valid RFC 3339 value. */
function micros(value: string): number {
  const m = RFC3339_RE.exec(value)!;
  const fraction = (m[7] ?? '.').slice(1).padEnd(6, '0').slice(0, 6);
  const whole = Date.parse(value.replace(/\.\d+/, ''));
  return whole * 1000 + Number(fraction);
}
