import { createHash } from 'node:crypto';
import { OAUTH2_GRANT_TYPES, OAUTH2_RESPONSE_TYPES, OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS, type OAuth2GrantType, type OAuth2ResponseType, type OAuth2TokenEndpointAuthMethod } from '#sdk/oauth2.js';
import { redirectUriProblem } from './redirect-uri.js';
import { asked, splitScope } from './oauth2-scope.js';

const MAX_REDIRECT_URIS = 32;
const MAX_SCOPES = 100;
const MAX_NAME = 64;
const URI_FIELDS = ['client_uri', 'logo_uri', 'tos_uri', 'policy_uri', 'jwks_uri'] as const;
const TEXT_FIELDS = ['client_name', 'software_id', 'software_version', ...URI_FIELDS] as const;

/** Registered client metadata after RFC 7591's rules and Coder's defaults. */
export interface ClientRegistration {
  name: string;
  clientType: 'confidential' | 'public';
  redirectUris: string[];
  grantTypes: OAuth2GrantType[];
  responseTypes: OAuth2ResponseType[];
  authMethod: OAuth2TokenEndpointAuthMethod;
  scope: string;
  contacts: string[];
  clientName?: string;
  clientUri?: string;
  logoUri?: string;
  tosUri?: string;
  policyUri?: string;
  jwksUri?: string;
  softwareId?: string;
  softwareVersion?: string;
}

const fail = (problem: string) => ({ problem });

/**
 * RFC 7591 2 client metadata, validated as Coder does (A8): answers the registration, or the problem
 * for `invalid_client_metadata` (or `invalid_redirect_uri`, when `redirect` says so).
 */
export function validateClientMetadata(body: unknown): ClientRegistration | { problem: string; redirect?: boolean } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail('The request body must be a JSON object');
  const m = body as Record<string, unknown>;
  for (const f of TEXT_FIELDS) if (m[f] !== undefined && typeof m[f] !== 'string') return fail(`${f} must be a string`);
  const text = (f: (typeof TEXT_FIELDS)[number]) => (m[f] === undefined || m[f] === '' ? undefined : (m[f] as string));

  const authMethod = (m.token_endpoint_auth_method ?? 'client_secret_basic') as OAuth2TokenEndpointAuthMethod;
  if (!OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS.includes(authMethod)) return fail(`token_endpoint_auth_method must be one of ${OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS.join(', ')}`);
  const clientType = authMethod === 'none' ? 'public' : 'confidential';

  const uris = m.redirect_uris;
  if (!Array.isArray(uris) || uris.length === 0) return { problem: 'redirect_uris is required: at least one redirect URI', redirect: true };
  if (uris.length > MAX_REDIRECT_URIS) return { problem: `redirect_uris may hold at most ${MAX_REDIRECT_URIS} URIs`, redirect: true };
  for (const uri of uris) {
    const problem = typeof uri === 'string' ? redirectUriProblem(uri, clientType) : 'each redirect URI must be a string';
    if (problem) return { problem, redirect: true };
  }

  const grantTypes = (m.grant_types ?? ['authorization_code', 'refresh_token']) as OAuth2GrantType[];
  if (!Array.isArray(grantTypes) || grantTypes.some((g) => !OAUTH2_GRANT_TYPES.includes(g))) return fail(`grant_types may hold only ${OAUTH2_GRANT_TYPES.join(', ')}`);
  if (!grantTypes.includes('authorization_code')) return fail('grant_types must include authorization_code');
  const responseTypes = (m.response_types ?? ['code']) as OAuth2ResponseType[];
  if (!Array.isArray(responseTypes) || responseTypes.some((r) => !OAUTH2_RESPONSE_TYPES.includes(r))) return fail('response_types may hold only code');

  for (const f of URI_FIELDS) {
    const v = text(f);
    if (v !== undefined && !isHttpUrl(v)) return fail(`${f} must be an absolute http(s) URL`);
  }
  const scope = m.scope ?? '';
  if (typeof scope !== 'string') return fail('scope must be a string');
  const scopes = asked(scope);
  if ('problem' in scopes) return scopes;
  if (splitScope(scope).length > MAX_SCOPES) return fail(`scope may name at most ${MAX_SCOPES} scopes`);
  const contacts = m.contacts ?? [];
  if (!Array.isArray(contacts) || contacts.some((c) => typeof c !== 'string')) return fail('contacts must be an array of strings');

  const redirectUris = [...new Set(uris as string[])];
  return {
    name: clientDisplayName(text('client_name'), text('client_uri') ?? redirectUris[0]),
    clientType,
    redirectUris,
    grantTypes: [...new Set(grantTypes)],
    responseTypes: [...new Set(responseTypes)],
    authMethod,
    scope: scopes.scopes.join(' '),
    contacts: contacts as string[],
    clientName: text('client_name'),
    clientUri: text('client_uri'),
    logoUri: text('logo_uri'),
    tosUri: text('tos_uri'),
    policyUri: text('policy_uri'),
    jwksUri: text('jwks_uri'),
    softwareId: text('software_id'),
    softwareVersion: text('software_version'),
  };
}

/**
 * The app name a registered client gets (Coder's rule): the given name, cut to fit with a hash of
 * the whole so that long names stay distinct; else `Client (<host>)` from its URI.
 */
export function clientDisplayName(clientName: string | undefined, uri: string | undefined): string {
  const given = clientName?.trim();
  if (given) {
    // By code points, so that a character is never cut in half.
    const chars = Array.from(given);
    if (chars.length <= MAX_NAME) return given;
    const suffix = createHash('sha256').update(given).digest('hex').slice(0, 8);
    return `${chars.slice(0, MAX_NAME - suffix.length - 1).join('')}-${suffix}`;
  }
  try {
    const host = uri ? new URL(uri).host : '';
    if (host) return `Client (${host})`.slice(0, MAX_NAME);
  } catch {
    // Fall through to the generic name.
  }
  return 'Dynamically Registered Client';
}

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}
