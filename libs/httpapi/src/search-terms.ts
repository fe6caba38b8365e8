// Coder's search query syntax (`key:value` terms, quoted values, bare words), shared by every `q`
// parameter: users, workspaces, templates.
import { ApiError, type ValidationError } from './api-error.js';

/** The terms of a query, quotes removed: `owner:me "my ws" name:"a b"` → owner:me, my ws, name:a b. */
export function searchTerms(q: string | undefined): string[] {
  const terms: string[] = [];
  const re = /(\S+?:"[^"]*"|"[^"]*"|\S+)/g;
  for (const m of (q ?? '').matchAll(re)) terms.push(m[1].replace(/"/g, ''));
  return terms;
}

/** YYYY-MM-DD, or an RFC 3339 timestamp. */
const DATE_RE = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2}))?$/;

/** A date term's value, or undefined when it is not one. */
export function searchDate(value: string): Date | undefined {
  const d = new Date(value);
  return DATE_RE.test(value) && !Number.isNaN(d.getTime()) ? d : undefined;
}

/** One `key:value` term of a query, with helpers that record a problem under its key. */
export interface KeyedTerm {
  /** Lower-cased. */
  key: string;
  value: string;
  bad(detail: string): void;
  /** The value as a boolean; undefined (and a problem recorded) when it is neither true nor false. */
  bool(): boolean | undefined;
  /** The value when it is one of `allowed`; undefined (and a problem recorded) otherwise. */
  oneOf<T extends string>(allowed: readonly T[]): T | undefined;
  unknown(): void;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isSearchUuid = (v: string) => UUID_RE.test(v);

/**
 * Walks a query: bare words go to `word`, `key:value` terms to `term`. Every problem any term records
 * ends up in one 400 with `message`, one validation per problem, as Coder's query parser answers.
 */
export function walkSearch(
  q: string | undefined,
  message: string,
  on: { word(w: string, bad: (field: string, detail: string) => void): void; term(t: KeyedTerm): void },
): void {
  const validations: ValidationError[] = [];
  for (const raw of searchTerms(q)) {
    const i = raw.indexOf(':');
    if (i < 0) {
      on.word(raw, (field, detail) => validations.push({ field, detail }));
      continue;
    }
    const key = raw.slice(0, i).toLowerCase();
    const value = raw.slice(i + 1);
    const bad = (detail: string) => validations.push({ field: key, detail });
    on.term({
      key,
      value,
      bad,
      bool() {
        if (value === 'true' || value === 'false') return value === 'true';
        bad(`Query param "${key}" must be a valid boolean`);
        return undefined;
      },
      oneOf<T extends string>(allowed: readonly T[]) {
        if ((allowed as readonly string[]).includes(value)) return value as T;
        bad(`Query param "${key}" has invalid value "${value}"; expected one of ${allowed.join(', ')}.`);
        return undefined;
      },
      unknown: () => bad(`Query param "${key}" is not a valid query param`),
    });
  }
  if (validations.length) throw new ApiError(400, message, undefined, validations);
}
