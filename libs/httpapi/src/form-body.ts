import { header, type AnyRequest } from './http.js';

export const FORM_TYPE = 'application/x-www-form-urlencoded';
/** Forms here are OAuth2 requests and consent answers: small. */
export const FORM_BODY_LIMIT_BYTES = 64 * 1024;

export type FormFields = Readonly<Record<string, string | readonly string[]>>;

/**
 * An `application/x-www-form-urlencoded` body. A repeated field becomes an array, so that a protocol
 * that refuses repeats (RFC 6749 3.1) can see them. No prototype: a field named `__proto__` is data.
 */
export function parseForm(text: string): FormFields {
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of new URLSearchParams(text)) {
    const seen = out[name];
    out[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

export const isFormRequest = (req: AnyRequest): boolean => (header(req, 'content-type') ?? '').split(';')[0].trim().toLowerCase() === FORM_TYPE;
