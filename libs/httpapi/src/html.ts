import { setHeader, setStatus, type AnyResponse } from './http.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content and quoted attributes. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c]);

/** Tagged template whose interpolations are escaped, except those already rendered with `html` (Html values). */
export class Html {
  constructor(readonly text: string) {}
}
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  values.forEach((v, i) => {
    const part = Array.isArray(v) ? v.map((x) => (x instanceof Html ? x.text : escapeHtml(String(x)))).join('') : v instanceof Html ? v.text : escapeHtml(String(v ?? ''));
    out += part + strings[i + 1];
  });
  return new Html(out);
}

const STYLE = `body{font-family:system-ui,sans-serif;background:#f6f7f9;color:#1d1f23;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:32px;max-width:420px;width:100%;box-sizing:border-box}
h1{font-size:20px;margin:0 0 16px}p,li{line-height:1.5}img{width:48px;height:48px;border-radius:8px}
label{display:block;margin:12px 0 4px}input{width:100%;padding:8px;box-sizing:border-box;border:1px solid #c1c7cd;border-radius:4px}
.actions{display:flex;gap:8px;margin-top:24px}button{flex:1;padding:10px;border-radius:4px;border:1px solid #c1c7cd;background:#fff;cursor:pointer;font-size:15px}
button.primary{background:#2563eb;border-color:#2563eb;color:#fff}.error{color:#b42318}`;

/** A whole server-rendered page (the consent and login pages: no scripts, inline style only). */
export const page = (title: string, body: Html): Html =>
  html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title><style>${new Html(STYLE)}</style></head><body><main>${body}</main></body></html>`;

/**
 * Sends a page with the headers that keep it from being framed (clickjacking), cached, or leaking
 * its query (which carries OAuth2 parameters) in a Referer.
 */
export function sendPage(res: AnyResponse, status: number, content: Html): string {
  setStatus(res, status);
  setHeader(res, 'Content-Type', 'text/html; charset=utf-8');
  setHeader(res, 'Cache-Control', 'no-store');
  setHeader(res, 'X-Frame-Options', 'DENY');
  setHeader(res, 'Referrer-Policy', 'no-referrer');
  setHeader(res, 'Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; frame-ancestors 'none'; base-uri 'none'");
  return content.text;
}

/** A redirect answer (the handler returns the empty body). */
export function redirect(res: AnyResponse, status: 302 | 303, location: string): string {
  setStatus(res, status);
  setHeader(res, 'Location', location);
  setHeader(res, 'Cache-Control', 'no-store');
  return '';
}
