import { ApiError } from '#httpapi/api-error.js';

/** Where an OAuth2 client learns how to get a token for this deployment (RFC 9728). */
export const protectedResourceMetadataUrl = (accessUrl: string): string => `${accessUrl.replace(/\/+$/, '')}/.well-known/oauth-protected-resource`;

/**
 * The RFC 6750 challenge of an authentication failure, as Coder builds it: a 403 is
 * insufficient_scope; a 401 says expired, audience or invalid by what its message says (Coder's
 * signed-out message says "expired", so a missing token reads as expired too). Both name the
 * protected resource metadata (RFC 9728), which is how an MCP client finds the authorization server.
 */
export function bearerChallenge(status: number, message: string, detail: string | undefined, accessUrl: string): string {
  const text = `${message} ${detail ?? ''}`.toLowerCase();
  let error = 'invalid_token';
  let description = 'The access token is invalid';
  if (status === 403) {
    error = 'insufficient_scope';
    description = 'The request requires higher privileges than provided by the access token';
  } else if (text.includes('expired')) description = 'The access token has expired';
  else if (text.includes('audience') || text.includes('mismatch')) description = 'The access token audience does not match this resource';
  return `Bearer realm="coder", error="${error}", error_description="${description}", resource_metadata="${protectedResourceMetadataUrl(accessUrl)}"`;
}

/** The same error with its challenge attached (401 and 403 from the authentication path only). */
export function withChallenge(err: unknown, accessUrl: string): unknown {
  if (!(err instanceof ApiError) || (err.status !== 401 && err.status !== 403)) return err;
  return new ApiError(err.status, err.message, err.detail, err.validations, {
    ...err.headers,
    'WWW-Authenticate': bearerChallenge(err.status, err.message, err.detail, accessUrl),
  });
}
