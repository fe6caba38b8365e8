// The OAuth2 provider's rules as pure functions: PKCE S256 (RFC 7636), the resource parameter and
// audience normalization (RFC 8707, Coder's audience check), redirect URI matching with loopback
// ports (RFC 8252), and Coder's secret format.
import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { isPkceValue, pkceMethodProblem, pkceVerifies } from '#coderd/oauth2/pkce.js';
import { audienceAllowed, normalizeAudience, resourceProblem } from '#coderd/oauth2/resource-uri.js';
import { pickRedirectUri, redirectUriMatches } from '#coderd/oauth2/redirect-uri.js';
import { newOauth2Secret, parseOauth2Secret } from '#coderd/oauth2/oauth2-secret.js';

describe('PKCE', () => {
  // RFC 7636 appendix B.
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

  it('verifies the RFC example and refuses anything else', () => {
    expect(pkceVerifies(verifier, challenge)).toBe(true);
    expect(pkceVerifies(`${verifier.slice(0, -1)}l`, challenge)).toBe(false);
    expect(pkceVerifies(verifier, `${challenge}=`)).toBe(false);
    expect(pkceVerifies('short', createHash('sha256').update('short').digest('base64url'))).toBe(false);
  });

  it('takes 43 to 128 unreserved characters', () => {
    expect(isPkceValue('a'.repeat(43))).toBe(true);
    expect(isPkceValue('a'.repeat(42))).toBe(false);
    expect(isPkceValue('a'.repeat(129))).toBe(false);
    expect(isPkceValue(`${'a'.repeat(42)}+`)).toBe(false);
  });

  it('takes S256 or nothing, with Coder\'s messages otherwise', () => {
    expect(pkceMethodProblem(undefined)).toBeUndefined();
    expect(pkceMethodProblem('S256')).toBeUndefined();
    expect(pkceMethodProblem('plain')).toBe("code_challenge_method 'plain' is not supported; use 'S256'");
    expect(pkceMethodProblem('S512')).toBe('unsupported code_challenge_method: S512');
  });
});

describe('resource and audience', () => {
  it('needs an absolute URI without a fragment', () => {
    expect(resourceProblem('https://coder.example.com')).toBeUndefined();
    expect(resourceProblem('/relative')).toBe('resource must be an absolute URI');
    expect(resourceProblem('https://coder.example.com/#x')).toBe('resource must not contain a fragment');
  });

  it.each([
    ['HTTPS://Coder.Example.COM', 'https://coder.example.com/'],
    ['https://coder.example.com:443/', 'https://coder.example.com/'],
    ['http://coder.example.com:80', 'http://coder.example.com/'],
    ['https://coder.example.com:8443/a/../b/', 'https://coder.example.com:8443/b'],
    ['https://bücher.example/x?y=1#frag', 'https://xn--bcher-kva.example/x?y=1'],
  ])('normalizes %s to %s', (input, want) => {
    expect(normalizeAudience(input)).toBe(want);
  });

  it('allows an empty audience or this deployment, not another one nor the MCP path', () => {
    expect(audienceAllowed(null, 'https://coder.example.com')).toBe(true);
    expect(audienceAllowed('https://CODER.example.com/', 'https://coder.example.com')).toBe(true);
    expect(audienceAllowed('https://other.example.com', 'https://coder.example.com')).toBe(false);
    expect(audienceAllowed('https://coder.example.com/api/experimental/mcp/http', 'https://coder.example.com')).toBe(false);
    expect(audienceAllowed('not a url', 'https://coder.example.com')).toBe(false);
  });
});

describe('redirect URIs', () => {
  it('match exactly, or a registered http loopback URI on any port', () => {
    expect(redirectUriMatches('https://app.example.com/cb', 'https://app.example.com/cb')).toBe(true);
    expect(redirectUriMatches('https://app.example.com/cb', 'https://app.example.com/cb/')).toBe(false);
    expect(redirectUriMatches('https://app.example.com:8443/cb', 'https://app.example.com:9443/cb')).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1/callback', 'http://127.0.0.1:53682/callback')).toBe(true);
    expect(redirectUriMatches('http://localhost:3000/cb', 'http://localhost:4000/cb')).toBe(true);
    expect(redirectUriMatches('http://localhost/cb', 'http://localhost:4000/other')).toBe(false);
    expect(redirectUriMatches('http://localhost/cb', 'http://127.0.0.1:4000/cb')).toBe(false);
    expect(redirectUriMatches('myapp://callback', 'myapp://callback')).toBe(true);
  });

  it('default to the first registered one', () => {
    expect(pickRedirectUri(['https://a.example.com/cb', 'https://b.example.com/cb'], undefined)).toBe('https://a.example.com/cb');
    expect(pickRedirectUri(['https://a.example.com/cb'], 'https://evil.example.com/cb')).toBeUndefined();
  });
});

describe('secrets', () => {
  it('are coder_<prefix>_<secret>, parsed back, displayed by their last characters', () => {
    const s = newOauth2Secret();
    expect(s.full).toMatch(/^coder_[A-Za-z0-9]{10}_[A-Za-z0-9]{40}$/);
    const parsed = parseOauth2Secret(s.full)!;
    expect(parsed.prefix).toBe(s.prefix);
    expect(s.hashed.equals(createHash('sha256').update(parsed.secret).digest())).toBe(true);
    expect(s.display.endsWith(parsed.secret.slice(-6))).toBe(true);
    expect(s.display).not.toContain(parsed.secret.slice(0, 10));
    expect(parseOauth2Secret('coder_only-two')).toBeUndefined();
    expect(parseOauth2Secret('other_a_b')).toBeUndefined();
  });
});
