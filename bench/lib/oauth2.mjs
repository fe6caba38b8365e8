// OAuth2 scenarios: refresh-token chains for the token endpoint, and an access token for /users/me.
import { createHash, randomBytes } from 'node:crypto';
import { URL, URLSearchParams } from 'node:url';

const CALLBACK = 'https://bench.example.com/callback';

async function form(base, path, fields) {
  const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST ${path}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/**
 * `count` token families: one app (with a secret) each, authorized by the owner through the consent
 * page (one live token per user and app, so a family per app), exchanged for a first token pair.
 */
export async function oauth2Families(api, base, ownerToken, count) {
  const families = [];
  for (let i = 0; i < count; i++) {
    const app = await api(base, 'POST', '/api/v2/oauth2-provider/apps', { token: ownerToken, body: { name: `bench-app-${i}`, callback_url: CALLBACK } });
    if (app.status !== 201) throw new Error(`POST /oauth2-provider/apps: ${app.status} ${app.text}`);
    const secret = await api(base, 'POST', `/api/v2/oauth2-provider/apps/${app.json.id}/secrets`, { token: ownerToken });
    const verifier = randomBytes(32).toString('base64url');
    const u = new URL('/oauth2/authorize', base);
    const params = { response_type: 'code', client_id: app.json.id, redirect_uri: CALLBACK, code_challenge: createHash('sha256').update(verifier).digest('base64url') };
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
    const cookie = { cookie: `coder_session_token=${ownerToken}` };
    const page = await (await fetch(u, { headers: cookie })).text();
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(page)?.[1];
    if (!csrf) throw new Error(`no consent page: ${page.slice(0, 200)}`);
    const allowed = await fetch(u, { method: 'POST', headers: { ...cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: `csrf_token=${csrf}&decision=allow`, redirect: 'manual' });
    const code = new URL(allowed.headers.get('location')).searchParams.get('code');
    const tokens = await form(base, '/oauth2/tokens', { grant_type: 'authorization_code', code, code_verifier: verifier, client_id: app.json.id, client_secret: secret.json.client_secret_full });
    families.push({ clientId: app.json.id, secret: secret.json.client_secret_full, refresh: tokens.refresh_token, access: tokens.access_token });
  }
  return families;
}

/**
 * The refresh grant under load: each request takes an idle family, sends its current refresh token,
 * and hands the family back with the token the answer rotated in, so no family is ever used twice at
 * once (that would be reuse, and revoke it). autocannon resets a connection's context between
 * requests, so families live in a queue, not on the connection.
 */
export function refreshLoad(families) {
  const idle = [...families];
  const counts = { rotated: 0, refused: 0 };
  const requests = [
    {
      setupRequest(req, context) {
        context.family = idle.shift();
        if (!context.family) throw new Error('more connections than OAuth2 token families');
        req.headers['content-type'] = 'application/x-www-form-urlencoded';
        req.body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: context.family.refresh, client_id: context.family.clientId, client_secret: context.family.secret }).toString();
        return req;
      },
      onResponse(status, body, context) {
        // A refused family is spent: it is not handed out again.
        if (status !== 200) return void counts.refused++;
        context.family.refresh = JSON.parse(body).refresh_token;
        counts.rotated++;
        idle.push(context.family);
      },
    },
  ];
  return { options: { requests }, counts };
}
