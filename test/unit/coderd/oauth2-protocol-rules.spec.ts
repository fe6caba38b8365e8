// The OAuth2 provider's protocol rules as pure functions: which redirect URIs may be registered
// (RFC 7591, RFC 8252), client metadata validation and display names, scope negotiation and
// narrowing, the SSRF public-address check, the RFC 6750 bearer challenge, form bodies, HTTP Basic
// client credentials, request parameters (RFC 6749 3.1: no repeats) and the discovery documents
// (RFC 8414, RFC 9728).
import { describe, expect, it } from '@jest/globals';
import { ApiError, ProtocolError } from '#httpapi/api-error.js';
import { parseForm } from '#httpapi/form-body.js';
import { EXTERNAL_SCOPES } from '#rbac/scopes.js';
import { bearerChallenge, protectedResourceMetadataUrl, withChallenge } from '#coderd/auth/www-authenticate.js';
import { clientDisplayName, validateClientMetadata, type ClientRegistration } from '#coderd/oauth2/client-metadata-rules.js';
import { authorizationServerMetadata, protectedResourceMetadata } from '#coderd/oauth2/discovery.js';
import { parseBasic } from '#coderd/oauth2/oauth2-client-auth.service.js';
import { OAuth2Params, mergeFields, queryFields } from '#coderd/oauth2/oauth2-params.js';
import { narrowScope, negotiateScope } from '#coderd/oauth2/oauth2-scope.js';
import { isPublicAddress } from '#coderd/oauth2/public-address.js';
import { redirectUriProblem } from '#coderd/oauth2/redirect-uri.js';

const ACCESS_URL = 'https://coder.example.com';

/** The registration, failing the test with the problem when there is one. */
function registered(body: unknown): ClientRegistration {
  const r = validateClientMetadata(body);
  if ('problem' in r) throw new Error(`unexpected problem: ${r.problem}`);
  return r;
}

/** The problem, failing the test when the metadata was accepted. */
function refused(body: unknown): { problem: string; redirect?: boolean } {
  const r = validateClientMetadata(body);
  if (!('problem' in r)) throw new Error(`accepted: ${JSON.stringify(r)}`);
  return r;
}

/** The error a function throws (failing the test when it throws none). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('nothing was thrown');
}

describe('redirectUriProblem', () => {
  it.each([
    ['https://app.example.com/callback', 'public'],
    ['https://app.example.com:8443/cb?x=1', 'confidential'],
    ['http://localhost/cb', 'public'],
    ['http://localhost:3000/cb', 'confidential'],
    ['http://127.0.0.1:53682/callback', 'public'],
    ['http://[::1]:8080/cb', 'public'],
    ['http://app.localhost/cb', 'confidential'],
    ['com.example.app:/callback', 'public'],
    ['myapp://callback', 'public'],
    ['urn:ietf:wg:oauth:2.0:oob', 'public'],
    ['urn:ietf:wg:oauth:2.0:oob', 'confidential'],
  ] as const)('allows %s for a %s client', (uri, type) => {
    expect(redirectUriProblem(uri, type)).toBeUndefined();
  });

  it('takes http only on loopback, and *.localhost only for confidential clients', () => {
    expect(redirectUriProblem('http://app.example.com/cb', 'confidential')).toBe(
      'redirect URI "http://app.example.com/cb" must use https (http is for loopback addresses only)',
    );
    expect(redirectUriProblem('http://10.0.0.1/cb', 'confidential')).toMatch(/must use https/);
    expect(redirectUriProblem('http://app.localhost/cb', 'public')).toMatch(/must use https/);
    expect(redirectUriProblem('https://app.localhost/cb', 'public')).toBeUndefined();
  });

  it('refuses an opaque custom URI and every URN but the out-of-band one', () => {
    expect(redirectUriProblem('x.y:cb', 'public')).toBe('redirect URI "x.y:cb" needs a host or a path starting with /');
    expect(redirectUriProblem('x.y:cb', 'confidential')).toMatch(/needs a host or a path/);
    expect(redirectUriProblem('urn:example:callback', 'confidential')).toBe(
      'redirect URI "urn:example:callback": the only URN allowed is urn:ietf:wg:oauth:2.0:oob',
    );
    expect(redirectUriProblem('urn:ietf:wg:oauth:2.0:oob:auto', 'public')).toMatch(/the only URN allowed/);
  });

  it.each([
    ['javascript:alert(1)', 'javascript'],
    ['JavaScript:alert(1)', 'javascript'],
    ['data:text/html,<script>alert(1)</script>', 'data'],
    ['file:///etc/passwd', 'file'],
    ['ftp://files.example.com/cb', 'ftp'],
    ['vbscript:msgbox(1)', 'vbscript'],
  ])('refuses %s for either client type', (uri, scheme) => {
    for (const type of ['public', 'confidential'] as const) {
      expect(redirectUriProblem(uri, type)).toBe(`redirect URI "${uri}": the ${scheme} scheme is not allowed`);
    }
  });

  it('refuses a fragment, even an empty one', () => {
    expect(redirectUriProblem('https://app.example.com/cb#frag', 'confidential')).toBe(
      'redirect URI "https://app.example.com/cb#frag" must not contain a fragment',
    );
    expect(redirectUriProblem('https://app.example.com/cb#', 'public')).toMatch(/must not contain a fragment/);
    expect(redirectUriProblem('com.example.app:/cb#x', 'public')).toMatch(/must not contain a fragment/);
  });

  it.each(['mailto://example.com/inbox', 'tel:/5551234', 'sms:/5551234'])('refuses %s for a public client only', (uri) => {
    const scheme = uri.slice(0, uri.indexOf(':'));
    expect(redirectUriProblem(uri, 'public')).toBe(`redirect URI "${uri}": the ${scheme} scheme is not allowed`);
    expect(redirectUriProblem(uri, 'confidential')).toBeUndefined();
  });

  it('refuses more than 2048 bytes, counting bytes rather than characters', () => {
    const base = 'https://app.example.com/';
    expect(redirectUriProblem(base + 'a'.repeat(2048 - base.length), 'public')).toBeUndefined();
    expect(redirectUriProblem(base + 'a'.repeat(2049 - base.length), 'public')).toBe('redirect URI must be at most 2048 bytes');
    // 1,100 two-byte characters: fewer than 2048 characters, more than 2048 bytes.
    expect(redirectUriProblem(base + 'é'.repeat(1100), 'public')).toBe('redirect URI must be at most 2048 bytes');
  });

  it('refuses what is not an absolute URI', () => {
    expect(redirectUriProblem('not a uri', 'public')).toBe('redirect URI "not a uri" is not an absolute URI');
    expect(redirectUriProblem('/callback', 'confidential')).toMatch(/is not an absolute URI/);
    expect(redirectUriProblem('', 'confidential')).toMatch(/is not an absolute URI/);
  });
});

describe('validateClientMetadata', () => {
  it('applies Coder\'s defaults: a confidential client with the code flow and refresh tokens', () => {
    expect(registered({ redirect_uris: ['https://app.example.com/cb'] })).toEqual({
      name: 'Client (app.example.com)',
      clientType: 'confidential',
      redirectUris: ['https://app.example.com/cb'],
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
      authMethod: 'client_secret_basic',
      scope: '',
      contacts: [],
      clientName: undefined,
      clientUri: undefined,
      logoUri: undefined,
      tosUri: undefined,
      policyUri: undefined,
      jwksUri: undefined,
      softwareId: undefined,
      softwareVersion: undefined,
    });
  });

  it('makes a client without authentication public, and client_secret_post confidential', () => {
    const pub = registered({ redirect_uris: ['http://127.0.0.1/cb'], token_endpoint_auth_method: 'none' });
    expect(pub.clientType).toBe('public');
    expect(pub.authMethod).toBe('none');
    expect(registered({ redirect_uris: ['https://a.example.com/cb'], token_endpoint_auth_method: 'client_secret_post' }).clientType).toBe(
      'confidential',
    );
  });

  it('keeps the given metadata', () => {
    const r = registered({
      redirect_uris: ['https://app.example.com/cb'],
      client_name: 'My App',
      client_uri: 'https://app.example.com',
      logo_uri: 'https://app.example.com/logo.png',
      tos_uri: 'https://app.example.com/tos',
      policy_uri: 'http://app.example.com/privacy',
      jwks_uri: 'https://app.example.com/jwks.json',
      software_id: 'my-app',
      software_version: '1.2.3',
      contacts: ['admin@example.com'],
      scope: 'user:read workspace:read',
      grant_types: ['authorization_code'],
    });
    expect(r).toMatchObject({
      name: 'My App',
      clientName: 'My App',
      clientUri: 'https://app.example.com',
      logoUri: 'https://app.example.com/logo.png',
      tosUri: 'https://app.example.com/tos',
      policyUri: 'http://app.example.com/privacy',
      jwksUri: 'https://app.example.com/jwks.json',
      softwareId: 'my-app',
      softwareVersion: '1.2.3',
      contacts: ['admin@example.com'],
      scope: 'user:read workspace:read',
      grantTypes: ['authorization_code'],
    });
  });

  it('judges redirect URIs by the client type and flags their problems as redirect problems', () => {
    // *.localhost over http is for confidential clients only.
    expect(registered({ redirect_uris: ['http://app.localhost/cb'] }).redirectUris).toEqual(['http://app.localhost/cb']);
    expect(refused({ redirect_uris: ['http://app.localhost/cb'], token_endpoint_auth_method: 'none' })).toEqual({
      problem: 'redirect URI "http://app.localhost/cb" must use https (http is for loopback addresses only)',
      redirect: true,
    });
    expect(refused({ redirect_uris: ['https://ok.example.com/cb', 'javascript:alert(1)'] })).toEqual({
      problem: 'redirect URI "javascript:alert(1)": the javascript scheme is not allowed',
      redirect: true,
    });
    expect(refused({ redirect_uris: [42] })).toEqual({ problem: 'each redirect URI must be a string', redirect: true });
  });

  it('needs between 1 and 32 redirect URIs', () => {
    const missing = { problem: 'redirect_uris is required: at least one redirect URI', redirect: true };
    expect(refused({})).toEqual(missing);
    expect(refused({ redirect_uris: [] })).toEqual(missing);
    expect(refused({ redirect_uris: 'https://app.example.com/cb' })).toEqual(missing);
    const uris = (n: number) => Array.from({ length: n }, (_, i) => `https://app.example.com/cb${i}`);
    expect(registered({ redirect_uris: uris(32) }).redirectUris).toHaveLength(32);
    expect(refused({ redirect_uris: uris(33) })).toEqual({ problem: 'redirect_uris may hold at most 32 URIs', redirect: true });
  });

  it('deduplicates redirect URIs, keeping their order', () => {
    const r = registered({ redirect_uris: ['https://b.example.com/cb', 'https://a.example.com/cb', 'https://b.example.com/cb'] });
    expect(r.redirectUris).toEqual(['https://b.example.com/cb', 'https://a.example.com/cb']);
    expect(r.name).toBe('Client (b.example.com)');
  });

  it('needs authorization_code among known grant types, and only the code response type', () => {
    const uris = ['https://app.example.com/cb'];
    expect(refused({ redirect_uris: uris, grant_types: ['refresh_token'] })).toEqual({ problem: 'grant_types must include authorization_code' });
    expect(refused({ redirect_uris: uris, grant_types: [] })).toEqual({ problem: 'grant_types must include authorization_code' });
    expect(refused({ redirect_uris: uris, grant_types: ['authorization_code', 'client_credentials'] })).toEqual({
      problem: 'grant_types may hold only authorization_code, refresh_token',
    });
    expect(refused({ redirect_uris: uris, grant_types: 'authorization_code' }).problem).toBe('grant_types may hold only authorization_code, refresh_token');
    expect(registered({ redirect_uris: uris, grant_types: ['authorization_code', 'authorization_code'] }).grantTypes).toEqual(['authorization_code']);
    expect(refused({ redirect_uris: uris, response_types: ['token'] })).toEqual({ problem: 'response_types may hold only code' });
    expect(refused({ redirect_uris: uris, response_types: ['code', 'id_token'] }).problem).toBe('response_types may hold only code');
    expect(registered({ redirect_uris: uris, response_types: ['code', 'code'] }).responseTypes).toEqual(['code']);
  });

  it('refuses an unknown token endpoint auth method', () => {
    expect(refused({ redirect_uris: ['https://app.example.com/cb'], token_endpoint_auth_method: 'private_key_jwt' })).toEqual({
      problem: 'token_endpoint_auth_method must be one of client_secret_basic, client_secret_post, none',
    });
  });

  it.each(['client_uri', 'logo_uri', 'tos_uri', 'policy_uri', 'jwks_uri'])('needs %s to be an absolute http(s) URL', (field) => {
    const uris = ['https://app.example.com/cb'];
    for (const bad of ['/relative', 'ftp://app.example.com/x', 'javascript:alert(1)', 'not a url']) {
      expect(refused({ redirect_uris: uris, [field]: bad })).toEqual({ problem: `${field} must be an absolute http(s) URL` });
    }
    // An empty value counts as absent.
    expect(registered({ redirect_uris: uris, [field]: '' })).toBeDefined();
  });

  it('limits scope to 4096 bytes and 100 names of the external catalog', () => {
    const uris = ['https://app.example.com/cb'];
    expect(refused({ redirect_uris: uris, scope: 'user:read '.repeat(410) })).toEqual({ problem: 'scope must be at most 4096 bytes' });
    expect(registered({ redirect_uris: uris, scope: Array(100).fill('user:read').join(' ') }).scope).toContain('user:read');
    expect(refused({ redirect_uris: uris, scope: Array(101).fill('user:read').join(' ') })).toEqual({
      problem: 'scope may name at most 100 scopes',
    });
    expect(refused({ redirect_uris: uris, scope: 'user:read bogus:thing other' })).toEqual({ problem: 'unknown scope: bogus:thing, other' });
    // Known to the policy table but not requestable by integrators.
    expect(refused({ redirect_uris: uris, scope: 'inbox_notification:create' }).problem).toBe('unknown scope: inbox_notification:create');
    expect(refused({ redirect_uris: uris, scope: ['user:read'] })).toEqual({ problem: 'scope must be a string' });
    expect(registered({ redirect_uris: uris, scope: '  user:read   coder:all ' }).scope).toBe('user:read coder:all');
    expect(registered({ redirect_uris: uris, scope: 'user:read user:read all' }).scope).toBe('user:read coder:all');
  });

  it.each(['client_name', 'software_id', 'software_version', 'client_uri', 'logo_uri', 'tos_uri', 'policy_uri', 'jwks_uri'])(
    'needs %s to be a string',
    (field) => {
      expect(refused({ redirect_uris: ['https://app.example.com/cb'], [field]: 42 })).toEqual({ problem: `${field} must be a string` });
    },
  );

  it('needs contacts to be strings', () => {
    const uris = ['https://app.example.com/cb'];
    expect(refused({ redirect_uris: uris, contacts: 'admin@example.com' })).toEqual({ problem: 'contacts must be an array of strings' });
    expect(refused({ redirect_uris: uris, contacts: ['admin@example.com', 1] })).toEqual({ problem: 'contacts must be an array of strings' });
  });

  it.each([null, undefined, 'text', 42, ['https://app.example.com/cb']])('refuses the body %p', (body) => {
    expect(refused(body)).toEqual({ problem: 'The request body must be a JSON object' });
  });

  it('names the client from client_uri before the first redirect URI', () => {
    expect(registered({ redirect_uris: ['https://cb.example.com/cb'], client_uri: 'https://home.example.com:8443/about' }).name).toBe(
      'Client (home.example.com:8443)',
    );
    expect(registered({ redirect_uris: ['https://cb.example.com/cb'], client_name: '' }).name).toBe('Client (cb.example.com)');
    // A custom-scheme redirect URI without a host gives the generic name.
    expect(registered({ redirect_uris: ['com.example.app:/cb'] }).name).toBe('Dynamically Registered Client');
  });
});

describe('clientDisplayName', () => {
  it('keeps a given name of up to 64 characters, trimmed', () => {
    expect(clientDisplayName('My App', 'https://app.example.com')).toBe('My App');
    expect(clientDisplayName('  My App  ', undefined)).toBe('My App');
    expect(clientDisplayName('x'.repeat(64), undefined)).toBe('x'.repeat(64));
    // Cut by characters, never inside one.
    const emoji = clientDisplayName('😀'.repeat(70), undefined);
    expect(Array.from(emoji)).toHaveLength(64);
    expect(emoji).toMatch(/^(😀){55}-[0-9a-f]{8}$/u);
  });

  it('cuts a longer name to 64 characters ending in a hash of the whole', () => {
    const a = `${'A very long client name that keeps going '.repeat(3)}one`;
    const b = `${'A very long client name that keeps going '.repeat(3)}two`;
    const na = clientDisplayName(a, undefined);
    const nb = clientDisplayName(b, undefined);
    expect(na).toHaveLength(64);
    expect(na).toMatch(/-[0-9a-f]{8}$/);
    expect(na.slice(0, 55)).toBe(a.slice(0, 55));
    expect(nb).toHaveLength(64);
    expect(na).not.toBe(nb);
    expect(na.slice(0, 55)).toBe(nb.slice(0, 55));
    expect(clientDisplayName(a, undefined)).toBe(na);
  });

  it('falls back to the URI\'s host, then to a generic name', () => {
    expect(clientDisplayName(undefined, 'https://app.example.com/cb')).toBe('Client (app.example.com)');
    expect(clientDisplayName('   ', 'http://127.0.0.1:8080/cb')).toBe('Client (127.0.0.1:8080)');
    expect(clientDisplayName(undefined, undefined)).toBe('Dynamically Registered Client');
    expect(clientDisplayName('', '')).toBe('Dynamically Registered Client');
    expect(clientDisplayName(undefined, 'not a uri')).toBe('Dynamically Registered Client');
  });
});

describe('negotiateScope', () => {
  it('grants coder:all when nothing is asked and there is no allowlist', () => {
    expect(negotiateScope('', undefined)).toEqual({ scopes: ['coder:all'] });
    expect(negotiateScope('', '')).toEqual({ scopes: ['coder:all'] });
    expect(negotiateScope('  ', '   ')).toEqual({ scopes: ['coder:all'] });
  });

  it('grants the allowlist when nothing is asked', () => {
    expect(negotiateScope('user:read workspace:read', undefined)).toEqual({ scopes: ['user:read', 'workspace:read'] });
    expect(negotiateScope('all', '')).toEqual({ scopes: ['coder:all'] });
  });

  it('grants what is asked within the allowlist', () => {
    expect(negotiateScope('user:read workspace:read', 'workspace:read')).toEqual({ scopes: ['workspace:read'] });
    // A composite on the allowlist covers the low-level scopes it expands to.
    expect(negotiateScope('coder:workspaces.operate', 'workspace:start workspace:read')).toEqual({ scopes: ['workspace:start', 'workspace:read'] });
    expect(negotiateScope('coder:all', 'template:read')).toEqual({ scopes: ['template:read'] });
  });

  it('refuses what the allowlist does not cover', () => {
    expect(negotiateScope('user:read', 'user:read workspace:read')).toEqual({ problem: 'scope not allowed for this client: workspace:read' });
    expect(negotiateScope('workspace:read', 'coder:all')).toEqual({ problem: 'scope not allowed for this client: coder:all' });
    expect(negotiateScope('coder:workspaces.operate', 'workspace:delete')).toEqual({ problem: 'scope not allowed for this client: workspace:delete' });
  });

  it('grants any catalog scope asked for when there is no allowlist', () => {
    expect(negotiateScope('', 'user:read template:read')).toEqual({ scopes: ['user:read', 'template:read'] });
  });

  it('refuses names outside the external catalog, whatever the allowlist', () => {
    expect(negotiateScope('', 'bogus:thing')).toEqual({ problem: 'unknown scope: bogus:thing' });
    expect(negotiateScope('coder:all', 'user:read bogus:thing openid')).toEqual({ problem: 'unknown scope: bogus:thing, openid' });
    expect(negotiateScope('', 'inbox_notification:create')).toEqual({ problem: 'unknown scope: inbox_notification:create' });
  });

  it('refuses a request of more than 4096 bytes', () => {
    expect(negotiateScope('', 'user:read '.repeat(410))).toEqual({ problem: 'scope must be at most 4096 bytes' });
  });

  it('answers canonical names, with aliases resolved and duplicates collapsed', () => {
    expect(negotiateScope('', 'all')).toEqual({ scopes: ['coder:all'] });
    expect(negotiateScope('', 'all coder:all')).toEqual({ scopes: ['coder:all'] });
    expect(negotiateScope('', 'application_connect')).toEqual({ scopes: ['coder:application_connect'] });
    expect(negotiateScope('user:read', 'user:read  user:read')).toEqual({ scopes: ['user:read'] });
    // An alias on the allowlist is resolved too, and the allowlist's repeats collapse.
    expect(negotiateScope('all', 'user:read')).toEqual({ scopes: ['user:read'] });
    expect(negotiateScope('user:read user:read all coder:all', undefined)).toEqual({ scopes: ['user:read', 'coder:all'] });
  });
});

describe('narrowScope', () => {
  it('keeps the granted scopes when none is named, as a copy', () => {
    const granted = ['user:read', 'workspace:read'];
    const r = narrowScope(granted, undefined);
    expect(r).toEqual({ scopes: ['user:read', 'workspace:read'] });
    expect('scopes' in r && r.scopes).not.toBe(granted);
  });

  it('takes a narrower scope', () => {
    expect(narrowScope(['user:read', 'workspace:read'], 'user:read')).toEqual({ scopes: ['user:read'] });
    expect(narrowScope(['coder:all'], 'workspace:read template:read')).toEqual({ scopes: ['workspace:read', 'template:read'] });
    expect(narrowScope(['coder:all'], 'all')).toEqual({ scopes: ['coder:all'] });
  });

  it('refuses a wider or unknown scope', () => {
    expect(narrowScope(['user:read'], 'user:read workspace:read')).toEqual({ problem: 'scope is wider than the grant: workspace:read' });
    expect(narrowScope(['workspace:read'], 'coder:all')).toEqual({ problem: 'scope is wider than the grant: coder:all' });
    expect(narrowScope(['coder:all'], 'bogus:thing')).toEqual({ problem: 'unknown scope: bogus:thing' });
  });
});

describe('isPublicAddress', () => {
  it.each(['8.8.8.8', '1.1.1.1', '::ffff:8.8.8.8', '172.15.255.255', '172.32.0.0', '100.63.255.255', '100.128.0.0', '11.0.0.0', '2606:4700:4700::1111', '2001:4860:4860::8888'])('%s is public', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '::ffff:7f00:1',
    '64:ff9b::7f00:1',
    '2001:db8::1',
    'not-an-ip',
    '',
    'localhost',
    '[::1]',
  ])('%s is not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });
});

describe('bearer challenge', () => {
  const metadata = 'resource_metadata="https://coder.example.com/.well-known/oauth-protected-resource"';
  const challenge = (error: string, description: string) =>
    `Bearer realm="coder", error="${error}", error_description="${description}", ${metadata}`;

  it('says the token expired when the message or the detail says so', () => {
    expect(bearerChallenge(401, 'You must be logged in. API key expired.', undefined, ACCESS_URL)).toBe(
      challenge('invalid_token', 'The access token has expired'),
    );
    expect(bearerChallenge(401, 'Unauthorized.', 'The token EXPIRED at noon', ACCESS_URL)).toBe(
      challenge('invalid_token', 'The access token has expired'),
    );
    // Expiry wins over an audience mismatch.
    expect(bearerChallenge(401, 'audience mismatch', 'expired', ACCESS_URL)).toBe(challenge('invalid_token', 'The access token has expired'));
  });

  it('says the audience does not match for an audience or mismatch message', () => {
    const audience = challenge('invalid_token', 'The access token audience does not match this resource');
    expect(bearerChallenge(401, 'Token audience is wrong', undefined, ACCESS_URL)).toBe(audience);
    expect(bearerChallenge(401, 'Unauthorized.', 'resource MISMATCH', ACCESS_URL)).toBe(audience);
  });

  it('says the token is invalid for any other 401', () => {
    expect(bearerChallenge(401, 'Invalid API key.', 'no such key', ACCESS_URL)).toBe(challenge('invalid_token', 'The access token is invalid'));
    expect(bearerChallenge(401, '', undefined, ACCESS_URL)).toBe(challenge('invalid_token', 'The access token is invalid'));
  });

  it('says insufficient_scope for a 403, whatever the message', () => {
    expect(bearerChallenge(403, 'Forbidden. expired audience', undefined, ACCESS_URL)).toBe(
      challenge('insufficient_scope', 'The request requires higher privileges than provided by the access token'),
    );
  });

  it('names the protected resource metadata under the access URL without its trailing slashes', () => {
    expect(protectedResourceMetadataUrl('https://coder.example.com/')).toBe('https://coder.example.com/.well-known/oauth-protected-resource');
    expect(protectedResourceMetadataUrl('https://coder.example.com//')).toBe('https://coder.example.com/.well-known/oauth-protected-resource');
    expect(bearerChallenge(401, 'x', undefined, 'https://coder.example.com/')).toBe(challenge('invalid_token', 'The access token is invalid'));
    expect(bearerChallenge(403, 'x', undefined, 'https://dev.example.com:8443/')).toContain(
      'resource_metadata="https://dev.example.com:8443/.well-known/oauth-protected-resource"',
    );
  });

  it('leaves errors other than a 401 or 403 ApiError untouched', () => {
    const plain = new Error('boom');
    expect(withChallenge(plain, ACCESS_URL)).toBe(plain);
    const notFound = new ApiError(404, 'Not found');
    expect(withChallenge(notFound, ACCESS_URL)).toBe(notFound);
    const server = new ApiError(500, 'Internal error', undefined, undefined, { 'X-Thing': '1' });
    expect(withChallenge(server, ACCESS_URL)).toBe(server);
    expect(withChallenge('text', ACCESS_URL)).toBe('text');
    expect(withChallenge(undefined, ACCESS_URL)).toBeUndefined();
  });

  it('attaches the challenge to a 401 or 403, keeping the rest of the error', () => {
    const validations = [{ field: 'token', detail: 'bad' }];
    const err = new ApiError(401, 'You must be logged in.', 'API key expired', validations, { 'X-Request-Id': 'abc' });
    const out = withChallenge(err, `${ACCESS_URL}/`);
    expect(out).toBeInstanceOf(ApiError);
    const api = out as ApiError;
    expect(api).not.toBe(err);
    expect(api.status).toBe(401);
    expect(api.message).toBe('You must be logged in.');
    expect(api.detail).toBe('API key expired');
    expect(api.validations).toEqual(validations);
    expect(api.headers).toEqual({ 'X-Request-Id': 'abc', 'WWW-Authenticate': challenge('invalid_token', 'The access token has expired') });
    // The original is not changed.
    expect(err.headers).toEqual({ 'X-Request-Id': 'abc' });

    const denied = withChallenge(new ApiError(403, 'Forbidden.'), ACCESS_URL) as ApiError;
    expect(denied.status).toBe(403);
    expect(denied.message).toBe('Forbidden.');
    expect(denied.detail).toBeUndefined();
    expect(denied.headers).toEqual({
      'WWW-Authenticate': challenge('insufficient_scope', 'The request requires higher privileges than provided by the access token'),
    });
  });
});

describe('parseForm', () => {
  it('collects a repeated field into an array, in order', () => {
    const form = parseForm('scope=a&client_id=x&scope=b&scope=c');
    expect(form.scope).toEqual(['a', 'b', 'c']);
    expect(form.client_id).toBe('x');
  });

  it('decodes + and percent escapes', () => {
    const form = parseForm('redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb%3Fx%3D1&scope=user%3Aread+workspace%3Aread&plus=%2B&e=%C3%A9');
    expect(form.redirect_uri).toBe('https://app.example.com/cb?x=1');
    expect(form.scope).toBe('user:read workspace:read');
    expect(form.plus).toBe('+');
    expect(form.e).toBe('é');
  });

  it('keeps a field without a value as the empty string', () => {
    expect(parseForm('a&b=')).toEqual({ a: '', b: '' });
  });

  it('treats __proto__ and constructor as ordinary fields', () => {
    const form = parseForm('__proto__=polluted&constructor=c&__proto__=again');
    expect(Object.getPrototypeOf(form)).toBeNull();
    expect(Object.keys(form)).toEqual(['__proto__', 'constructor']);
    expect(form.__proto__).toEqual(['polluted', 'again']);
    expect(form.constructor).toBe('c');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(parseForm('__proto__%5Bpolluted%5D=yes')).toEqual({ '__proto__[polluted]': 'yes' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('has no fields for an empty body', () => {
    expect(Object.keys(parseForm(''))).toEqual([]);
  });
});

describe('parseBasic', () => {
  const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

  it('reads the client id and secret', () => {
    expect(parseBasic(basic('client-id:coder_secret'))).toEqual({ id: 'client-id', secret: 'coder_secret' });
  });

  it('URL-decodes both parts, splitting at the first colon', () => {
    expect(parseBasic(basic('my%20client:se%3Acret'))).toEqual({ id: 'my client', secret: 'se:cret' });
    expect(parseBasic(basic('a+b:c+d%2B'))).toEqual({ id: 'a b', secret: 'c d+' });
    expect(parseBasic(basic('id:a:b'))).toEqual({ id: 'id', secret: 'a:b' });
    expect(parseBasic(basic('id:'))).toEqual({ id: 'id', secret: '' });
  });

  it('takes the scheme in any case', () => {
    const token = Buffer.from('id:secret').toString('base64');
    expect(parseBasic(`basic ${token}`)).toEqual({ id: 'id', secret: 'secret' });
    expect(parseBasic(`BASIC ${token}`)).toEqual({ id: 'id', secret: 'secret' });
  });

  it('answers undefined for anything else', () => {
    expect(parseBasic(basic('no-colon-here'))).toBeUndefined();
    expect(parseBasic(basic('id:%zz'))).toBeUndefined();
    expect(parseBasic(`Bearer ${Buffer.from('id:secret').toString('base64')}`)).toBeUndefined();
    expect(parseBasic('Basic')).toBeUndefined();
    expect(parseBasic('Basic not*base64')).toBeUndefined();
    expect(parseBasic('')).toBeUndefined();
    expect(parseBasic(undefined)).toBeUndefined();
  });
});

describe('OAuth2Params', () => {
  it('answers a value, and undefined for an absent or empty one', () => {
    const p = new OAuth2Params({ code: 'abc', state: '' });
    expect(p.get('code')).toBe('abc');
    expect(p.get('state')).toBeUndefined();
    expect(p.get('missing')).toBeUndefined();
    expect(p.has('state')).toBe(true);
    expect(p.has('missing')).toBe(false);
  });

  it('refuses a repeated parameter with invalid_request by default', () => {
    const err = thrown(() => new OAuth2Params({ scope: ['a', 'b'] }).get('scope'));
    expect(err).toBeInstanceOf(ProtocolError);
    const pe = err as ProtocolError;
    expect(pe.status).toBe(400);
    expect(pe.wireBody).toEqual({ error: 'invalid_request', error_description: 'Parameter "scope" must not be repeated' });
  });

  it('refuses a repeated parameter with the caller\'s error', () => {
    const custom = new Error('custom');
    const names: string[] = [];
    const p = new OAuth2Params({ state: ['1', '2'], code: 'x' }, (name) => {
      names.push(name);
      return custom;
    });
    expect(thrown(() => p.get('state'))).toBe(custom);
    expect(thrown(() => p.require('state'))).toBe(custom);
    expect(p.get('code')).toBe('x');
    expect(names).toEqual(['state', 'state']);
  });

  it('requires a parameter by name', () => {
    const p = new OAuth2Params({ code: 'abc', code_verifier: '' });
    expect(p.require('code')).toBe('abc');
    for (const name of ['grant_type', 'code_verifier']) {
      const err = thrown(() => p.require(name));
      expect(err).toBeInstanceOf(ProtocolError);
      expect((err as ProtocolError).status).toBe(400);
      expect((err as ProtocolError).wireBody).toEqual({ error: 'invalid_request', error_description: `Missing required parameter: ${name}` });
    }
  });
});

describe('mergeFields and queryFields', () => {
  it('merges form fields over query fields, a name in both counting as repeated', () => {
    const merged = mergeFields({ client_id: 'q', state: 's', scope: ['a', 'b'] }, { client_id: 'f', code: 'c', scope: 'c' });
    expect(merged).toEqual({ client_id: ['q', 'f'], state: 's', code: 'c', scope: ['a', 'b', 'c'] });
    const p = new OAuth2Params(merged);
    expect(p.get('state')).toBe('s');
    expect(p.get('code')).toBe('c');
    expect(thrown(() => p.get('client_id'))).toBeInstanceOf(ProtocolError);
  });

  it('does not change its inputs', () => {
    const query = { a: '1' };
    const form = { a: '2' };
    mergeFields(query, form);
    expect(query).toEqual({ a: '1' });
    expect(form).toEqual({ a: '2' });
  });

  it('keeps strings and arrays of a query, dropping other values', () => {
    expect(queryFields({ a: '1', b: ['x', 'y'], c: 5, d: { e: 'f' }, g: undefined, h: null, i: true })).toEqual({ a: '1', b: ['x', 'y'] });
    expect(queryFields({ n: [1, 2] })).toEqual({ n: ['1', '2'] });
    expect(queryFields(undefined)).toEqual({});
    expect(queryFields(null)).toEqual({});
  });
});

describe('discovery', () => {
  it('lists the authorization server metadata in Coder\'s key order', () => {
    const m = authorizationServerMetadata(`${ACCESS_URL}/`);
    expect(Object.keys(m)).toEqual([
      'issuer',
      'authorization_endpoint',
      'token_endpoint',
      'registration_endpoint',
      'revocation_endpoint',
      'response_types_supported',
      'grant_types_supported',
      'code_challenge_methods_supported',
      'scopes_supported',
      'token_endpoint_auth_methods_supported',
      'client_id_metadata_document_supported',
      'authorization_response_iss_parameter_supported',
    ]);
    expect(m).toEqual({
      issuer: ACCESS_URL,
      authorization_endpoint: `${ACCESS_URL}/oauth2/authorize`,
      token_endpoint: `${ACCESS_URL}/oauth2/tokens`,
      registration_endpoint: `${ACCESS_URL}/oauth2/register`,
      revocation_endpoint: `${ACCESS_URL}/oauth2/revoke`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: [...EXTERNAL_SCOPES],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      client_id_metadata_document_supported: true,
      authorization_response_iss_parameter_supported: true,
    });
  });

  it('takes the issuer from the access URL, with or without a trailing slash', () => {
    expect(authorizationServerMetadata('https://dev.example.com:8443').issuer).toBe('https://dev.example.com:8443');
    expect(authorizationServerMetadata('https://dev.example.com:8443//').token_endpoint).toBe('https://dev.example.com:8443/oauth2/tokens');
  });

  it('answers fresh lists, so that a caller cannot change the catalog', () => {
    const m = authorizationServerMetadata(ACCESS_URL);
    expect(m.scopes_supported).not.toBe(EXTERNAL_SCOPES);
    m.scopes_supported.push('mutated');
    expect(authorizationServerMetadata(ACCESS_URL).scopes_supported).toEqual([...EXTERNAL_SCOPES]);
  });

  it('describes the deployment as one protected resource', () => {
    const m = protectedResourceMetadata(`${ACCESS_URL}/`);
    expect(Object.keys(m)).toEqual(['resource', 'authorization_servers', 'scopes_supported', 'bearer_methods_supported']);
    expect(m).toEqual({
      resource: ACCESS_URL,
      authorization_servers: [authorizationServerMetadata(ACCESS_URL).issuer],
      scopes_supported: [...EXTERNAL_SCOPES],
      bearer_methods_supported: ['header', 'query'],
    });
    expect(m.scopes_supported).toContain('user:read');
    expect(m.scopes_supported).not.toContain('bogus:thing');
  });
});
