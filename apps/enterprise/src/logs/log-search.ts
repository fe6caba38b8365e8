import { ApiError, type ValidationError } from '#httpapi/api-error.js';
import { isSearchUuid, searchDate } from '#httpapi/search-terms.js';

/** `me`, or a name looked up later (case-insensitive). */
export type UserTerm = { kind: 'me' } | { kind: 'username'; username: string };

/** `organization:` takes an id or a name (resolved later; an unknown name is refused). */
export type OrganizationTerm = { kind: 'id'; id: string } | { kind: 'name'; name: string };

/**
 * The shared rules of the audit and connection log queries (Coder's searchquery for logs): the whole
 * query is lowercased, values included; an element that starts or ends with `:` or has more than one
 * outside quotes is malformed; each key is known to the log or refused. One 400 lists every problem.
 */
export class LogQuery {
  private readonly validations: ValidationError[] = [];
  private readonly values = new Map<string, string>();

  constructor(
    private readonly message: string,
    private readonly keys: readonly string[],
    q: string | undefined,
    /** Where a bare word goes (audit: resource_type; connection: "search", which is then refused). */
    bareKey: string,
  ) {
    for (const [element] of (q ?? '').toLowerCase().matchAll(/\S+?:"[^"]*"|"[^"]*"|\S+/g)) {
      // A quoted value may hold colons (timestamps: connected_after:"2026-01-02T03:04:05Z").
      const quoted = /^([^:"]+):"([^"]*)"$/.exec(element);
      const raw = element.replace(/"/g, '');
      const parts = quoted ? [quoted[1], quoted[2]] : raw.split(':');
      if (parts.length > 2) {
        this.bad('q', `Can only contain 1 ':' in "${raw}".`);
        continue;
      }
      if (parts.length === 2 && (parts[0] === '' || parts[1] === '')) {
        this.bad('q', `Cannot start or end with ':' in "${raw}".`);
        continue;
      }
      const [key, value] = parts.length === 2 ? parts : [bareKey, parts[0]];
      if (!keys.includes(key)) {
        this.bad(key, `Query param "${key}" is not a valid query param`);
        continue;
      }
      if (this.values.has(key)) this.bad(key, `Query param "${key}" may be given only once.`);
      this.values.set(key, value);
    }
  }

  bad(field: string, detail: string): void {
    this.validations.push({ field, detail });
  }

  string(key: string): string | undefined {
    return this.values.get(key);
  }

  uuid(key: string): string | undefined {
    const v = this.values.get(key);
    if (v === undefined || isSearchUuid(v)) return v;
    this.bad(key, `Query param "${key}" must be a valid uuid`);
    return undefined;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const v = this.values.get(key);
    if (v === undefined || (allowed as readonly string[]).includes(v)) return v as T | undefined;
    this.bad(key, `Query param "${key}" has invalid value "${v}"; expected one of ${allowed.join(', ')}.`);
    return undefined;
  }

  /** A timestamp (RFC 3339) or a date; `dateOnly` refuses timestamps (Coder's date_from/date_to). */
  time(key: string, dateOnly = false): Date | undefined {
    const v = this.values.get(key);
    if (v === undefined) return undefined;
    const d = dateOnly && !/^\d{4}-\d{2}-\d{2}$/.test(v) ? undefined : searchDate(dateOnly ? `${v}T00:00:00Z` : v.toUpperCase());
    if (!d) this.bad(key, dateOnly ? `Query param "${key}" must be a valid date format (YYYY-MM-DD)` : `Query param "${key}" must be a valid RFC3339 timestamp`);
    return d;
  }

  user(key: string): UserTerm | undefined {
    const v = this.values.get(key);
    if (v === undefined) return undefined;
    return v === 'me' ? { kind: 'me' } : { kind: 'username', username: v };
  }

  organization(key = 'organization'): OrganizationTerm | undefined {
    const v = this.values.get(key);
    if (v === undefined) return undefined;
    return isSearchUuid(v) ? { kind: 'id', id: v } : { kind: 'name', name: v };
  }

  /** Throws the one 400 if anything was wrong. */
  done(): void {
    if (this.validations.length) throw new ApiError(400, this.message, undefined, this.validations);
  }
}
