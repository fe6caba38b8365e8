import { ApiError, type ValidationError } from '#httpapi/api-error.js';
import { UUID_RE } from '#httpapi/pagination.js';

export const JOB_STATUSES = ['pending', 'running', 'succeeded', 'canceling', 'canceled', 'failed', 'unknown'] as const;

/**
 * Strict query parsing for the provisioner job and daemon lists, as Coder's: unknown parameters and
 * malformed values are 400 with one validation per parameter.
 */
export class StrictQuery {
  private readonly errors: ValidationError[] = [];

  constructor(
    private readonly query: Record<string, unknown>,
    known: string[],
  ) {
    for (const k of Object.keys(query)) if (!known.includes(k)) this.errors.push({ field: k, detail: `Query param "${k}" is not a valid query param` });
  }

  private raw(name: string): string | undefined {
    const v = this.query[name];
    const s = Array.isArray(v) ? v.join(',') : v;
    return typeof s === 'string' && s !== '' ? s : undefined;
  }

  private fail(name: string, detail: string): undefined {
    this.errors.push({ field: name, detail });
    return undefined;
  }

  int(name: string, fallback: number, max = 2 ** 31 - 1): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v) || Number(v) > 2 ** 31 - 1) return this.fail(name, `Query param "${name}" must be a valid positive integer`) ?? fallback;
    if (Number(v) > max) return this.fail(name, `Query param "${name}" must be at most ${max}`) ?? fallback;
    return Number(v);
  }

  uuid(name: string): string | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    return UUID_RE.test(v) ? v : this.fail(name, `Query param "${name}" must be a valid UUID`);
  }

  uuids(name: string): string[] | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    const ids = v.split(',').map((s) => s.trim());
    return ids.every((id) => UUID_RE.test(id)) ? ids : this.fail(name, `Query param "${name}" must be a comma-separated list of UUIDs`);
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T[] | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    const items = v.split(',').map((s) => s.trim());
    const bad = items.filter((i) => !(values as readonly string[]).includes(i));
    return bad.length === 0 ? (items as T[]) : this.fail(name, `Query param "${name}" has invalid values: ${bad.join(', ')} (valid: ${values.join(', ')})`);
  }

  bool(name: string): boolean | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (v === 'true' || v === 'false') return v === 'true';
    return this.fail(name, `Query param "${name}" must be a valid boolean`);
  }

  /** A value `parse` understands (it answers undefined for anything else). */
  parsed<T>(name: string, parse: (raw: string) => T | undefined, what: string): T | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    return parse(v) ?? this.fail(name, `Query param "${name}" must be ${what}`);
  }

  /** A JSON object of string values, e.g. `{"owner":"","scope":"organization"}`. */
  tags(name: string): Record<string, string> | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    try {
      const parsed: unknown = JSON.parse(v);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && Object.values(parsed).every((x) => typeof x === 'string')) {
        return parsed as Record<string, string>;
      }
    } catch {
      // reported below
    }
    return this.fail(name, `Query param "${name}" must be a JSON object of strings`);
  }

  done(): void {
    if (this.errors.length > 0) throw new ApiError(400, 'Invalid query parameters.', undefined, this.errors);
  }
}
