import { ApiError, invalidField, type ValidationError } from './api-error.js';
import { queryParam, type AnyRequest } from './http.js';

export interface Pagination {
  afterId?: string;
  limit: number; // 0 = no limit
  offset: number;
}

/** The all-zero UUID: Coder's "none" for ids the wire always carries. */
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Coder's `limit`/`offset`/`after_id` query parameters; cursor and offset are mutually exclusive. */
export function parsePagination(req: AnyRequest, opts: { defaultLimit?: number; maxLimit?: number } = {}): Pagination {
  const validations: ValidationError[] = [];
  const int = (name: string, fallback: number): number => {
    const raw = queryParam(req, name);
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) > 2 ** 31 - 1) {
      validations.push({ field: name, detail: `Query param "${name}" must be a non-negative integer.` });
      return fallback;
    }
    return Number(raw);
  };
  const limit = int('limit', opts.defaultLimit ?? 0);
  const offset = int('offset', 0);
  const afterId = queryParam(req, 'after_id') || undefined;
  if (afterId !== undefined && !UUID_RE.test(afterId)) {
    validations.push({ field: 'after_id', detail: `Query param "after_id" must be a valid UUID.` });
  }
  if (opts.maxLimit !== undefined && limit > opts.maxLimit) {
    validations.push({ field: 'limit', detail: `Pagination limit must be in range (0, ${opts.maxLimit}].` });
  }
  if (validations.length) throw new ApiError(400, 'Query parameters have invalid values.', undefined, validations);
  if (afterId !== undefined && offset > 0) {
    throw new ApiError(400, 'Cannot use both after_id and offset pagination in the same request.');
  }
  return { afterId, limit, offset };
}

/** A log id query parameter (`after`, `before`): a non-negative integer, 0 when absent. */
export function logIdParam(name: string, raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw invalidField(name, 'Must be a non-negative integer log id.', `Query param "${name}" must be an integer.`);
  return n;
}
