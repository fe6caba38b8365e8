/**
 * Adapter-neutral access to requests and responses, so controllers and guards work the same on
 * Fastify and Express (their reply objects differ).
 */
export interface AnyRequest {
  headers: Record<string, string | string[] | undefined>;
  query?: unknown;
  ip?: string;
  method?: string;
  url?: string;
  raw?: { url?: string };
  originalUrl?: string;
  routeOptions?: { url?: string };
  route?: { path?: string };
  [key: string]: unknown;
}

/** Every answer carries one (Coder's header name); logs and audit rows quote it. */
export const REQUEST_ID_HEADER = 'X-Coder-Request-Id';

/** Fastify's reply and Express's response both have header() and getHeader(). */
export interface AnyResponse {
  header(name: string, value: string | readonly string[]): unknown;
  getHeader(name: string): unknown;
}

export function setHeader(res: AnyResponse, name: string, value: string): void {
  res.header(name, value);
}

/** Overrides the route's declared status (a Fastify reply has code(), an Express response status()). */
export function setStatus(res: AnyResponse, status: number): void {
  const r = res as unknown as { code?: (n: number) => unknown; status?: (n: number) => unknown };
  if (typeof r.code === 'function') r.code(status);
  else r.status?.(status);
}

/** Appends a Set-Cookie header without dropping cookies set earlier in the request. */
export function appendCookie(res: AnyResponse, cookie: string): void {
  const existing = res.getHeader('set-cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
  list.push(cookie);
  res.header('set-cookie', list);
}

export function header(req: AnyRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function queryParam(req: AnyRequest, name: string): string | undefined {
  const v = (req.query as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(v)) return v.length ? String(v[0]) : undefined;
  return typeof v === 'string' ? v : undefined;
}

export function cookie(req: AnyRequest, name: string): string | undefined {
  const raw = header(req, 'cookie');
  if (!raw) return undefined;
  for (const part of raw.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return undefined;
}

export function clientIp(req: AnyRequest): string {
  return (req.ip as string | undefined) ?? '0.0.0.0';
}

/** The matched route pattern (e.g. /api/v2/users/:user), or the path when none matched. */
export function routePattern(req: AnyRequest): string {
  return req.routeOptions?.url ?? req.route?.path ?? (req.originalUrl || req.url || '').split('?')[0];
}
