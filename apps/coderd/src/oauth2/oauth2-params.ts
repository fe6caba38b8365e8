import type { FormFields } from '#httpapi/form-body.js';
import { invalidRequest } from './oauth2-error.js';

/**
 * The parameters of one OAuth2 request (form fields, with the query merged in where the endpoint
 * allows it). RFC 6749 3.1: a parameter must not be sent twice, so a repeat is refused by name.
 */
export class OAuth2Params {
  constructor(
    private readonly fields: FormFields,
    private readonly onRepeat: (name: string) => Error = (name) => invalidRequest(`Parameter "${name}" must not be repeated`),
  ) {}

  /** The value, or undefined when absent; an empty value counts as absent, as in Coder. */
  get(name: string): string | undefined {
    const v = this.fields[name];
    if (Array.isArray(v)) throw this.onRepeat(name);
    return v === undefined || v === '' ? undefined : (v as string);
  }

  has(name: string): boolean {
    return this.fields[name] !== undefined;
  }

  /** A parameter that must be there: invalid_request naming it otherwise (Coder's wording). */
  require(name: string): string {
    const v = this.get(name);
    if (v === undefined) throw invalidRequest(`Missing required parameter: ${name}`);
    return v;
  }
}

/** Query parameters as form fields (Fastify and Express both give arrays for repeats). */
export function queryFields(query: unknown): FormFields {
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.map(String);
  }
  return out;
}

/** Form fields merged over query fields; a name in both counts as repeated. */
export function mergeFields(query: FormFields, form: FormFields): FormFields {
  const out: Record<string, string | readonly string[]> = Object.assign(Object.create(null) as object, query);
  for (const [k, v] of Object.entries(form)) {
    const q = out[k];
    out[k] = q === undefined ? v : [...(Array.isArray(q) ? q : [q as string]), ...(Array.isArray(v) ? v : [v as string])];
  }
  return out;
}
