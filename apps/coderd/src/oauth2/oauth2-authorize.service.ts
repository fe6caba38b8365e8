import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { FormFields } from '#httpapi/form-body.js';
import type { OAuth2ErrorCode } from '#sdk/oauth2.js';
import type { DeploymentConfig } from '../config/config.js';
import { DEPLOYMENT_CONFIG } from '../tokens.js';
import { issuerOf } from './discovery.js';
import { Oauth2ClientAuth } from './oauth2-client-auth.service.js';
import { OAuth2Params } from './oauth2-params.js';
import { Oauth2ProtocolRepository, type ClientRow } from './oauth2-protocol.repository.js';
import { negotiateScope } from './oauth2-scope.js';
import { newOauth2Secret } from './oauth2-secret.js';
import { isPkceValue, pkceMethodProblem } from './pkce.js';
import { pickRedirectUri } from './redirect-uri.js';
import { resourceProblem } from './resource-uri.js';

const CODE_LIFETIME_MS = 10 * 60_000;
const MAX_DESCRIPTION = 2048;
/** Parameters of the callback that the server sets; a registered URI's own are dropped (RFC 6749 3.1.2). */
const RESERVED = ['code', 'error', 'error_description', 'state', 'iss'];

/** A request that passed every check: what the consent page shows and the code will carry. */
export interface AuthorizeRequest {
  client: ClientRow;
  redirectUri: string;
  state: string | undefined;
  challenge: string | undefined;
  resource: string | undefined;
  scopes: string[];
}

/** What the endpoint does with a request: show a page (consent or error) or send the browser back. */
export type AuthorizeOutcome = { kind: 'ok'; request: AuthorizeRequest } | { kind: 'bad-redirect'; detail: string } | { kind: 'redirect'; location: string };

/**
 * The authorization endpoint's rules (RFC 6749 4.1.1, RFC 7636, RFC 8707, RFC 9207). Until the
 * redirect URI is known to be registered, errors stay on this server; after, they go back to the
 * client as `error=` parameters.
 */
@Injectable()
export class Oauth2AuthorizeService {
  constructor(
    private readonly clients: Oauth2ClientAuth,
    private readonly repo: Oauth2ProtocolRepository,
    @Inject(DEPLOYMENT_CONFIG) private readonly config: DeploymentConfig,
  ) {}

  /** The client of a request, before anything else (400/401 JSON, as Coder's middleware answers). */
  client(query: FormFields): Promise<ClientRow> {
    return this.clients.lookup(new OAuth2Params(query).get('client_id'));
  }

  check(client: ClientRow, query: FormFields): AuthorizeOutcome {
    const repeated = Object.entries(query).find(([, v]) => Array.isArray(v));
    if (repeated) return { kind: 'bad-redirect', detail: `Parameter "${repeated[0]}" must not be repeated.` };
    const p = new OAuth2Params(query);
    const redirectUri = pickRedirectUri(client.redirect_uris, p.get('redirect_uri'));
    if (redirectUri === undefined) return { kind: 'bad-redirect', detail: 'redirect_uri is not one of the URIs registered for this client.' };
    const state = p.get('state');
    const back = (error: OAuth2ErrorCode, description: string): AuthorizeOutcome => ({ kind: 'redirect', location: this.callback(redirectUri, { error, error_description: sanitize(description) }, state) });
    if (p.get('response_type') !== 'code') return back('unsupported_response_type', 'Only response_type=code is supported');
    const methodProblem = pkceMethodProblem(p.get('code_challenge_method'));
    if (methodProblem) return back('invalid_request', methodProblem);
    const challenge = p.get('code_challenge');
    if (challenge !== undefined && !isPkceValue(challenge)) return back('invalid_request', 'code_challenge must be 43 to 128 characters of [A-Za-z0-9-._~]');
    if (challenge === undefined && client.client_type === 'public') return back('invalid_request', 'code_challenge is required for public clients (PKCE, S256)');
    const scope = negotiateScope(client.scope, p.get('scope'));
    if ('problem' in scope) return back('invalid_scope', scope.problem);
    const resource = p.get('resource');
    const bad = resource === undefined ? undefined : resourceProblem(resource);
    if (bad) return back('invalid_target', bad);
    return { kind: 'ok', request: { client, redirectUri, state, challenge, resource, scopes: scope.scopes } };
  }

  /** The user allowed: a code (stored hashed, ten minutes, single use) goes back with `state` and `iss`. */
  async approve(userId: string, r: AuthorizeRequest): Promise<string> {
    const code = newOauth2Secret();
    await this.repo.insertCode({
      prefix: code.prefix,
      hashed: code.hashed,
      userId,
      appId: r.client.id,
      redirectUri: r.redirectUri,
      resource: r.resource,
      challenge: r.challenge,
      stateHash: r.state === undefined ? undefined : createHash('sha256').update(r.state).digest('hex'),
      scope: r.scopes.join(' '),
      expiresAt: new Date(Date.now() + CODE_LIFETIME_MS),
    });
    return this.callback(r.redirectUri, { code: code.full }, r.state);
  }

  deny(r: AuthorizeRequest): string {
    return this.callback(r.redirectUri, { error: 'access_denied', error_description: 'The resource owner or authorization server denied the request' }, r.state);
  }

  /**
   * The consent form's CSRF token: an HMAC of the client under the user's own session token, so it
   * holds on every replica without server state, and another site (which cannot read the session
   * cookie) cannot make one. The Referer is never consulted.
   */
  csrfToken(sessionToken: string, clientId: string): string {
    return createHmac('sha256', sessionToken).update(`oauth2-consent\0${clientId}`).digest('base64url');
  }

  csrfValid(sessionToken: string, clientId: string, given: string | undefined): boolean {
    if (!given) return false;
    const expected = Buffer.from(this.csrfToken(sessionToken, clientId));
    const actual = Buffer.from(given);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  private callback(redirectUri: string, params: Record<string, string>, state: string | undefined): string {
    const u = new URL(redirectUri);
    for (const name of RESERVED) u.searchParams.delete(name);
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
    if (state !== undefined) u.searchParams.set('state', state);
    u.searchParams.set('iss', issuerOf(this.config.accessUrl));
    return u.toString();
  }
}

/** Coder's rule for error_description in a redirect: printable ASCII, `"` as `'`, no `\`, at most 2048 characters. */
function sanitize(text: string): string {
  return text.replace(/"/g, "'").replace(/\\/g, '').replace(/[^\x20-\x7e]/g, '').slice(0, MAX_DESCRIPTION);
}
