import { EXTERNAL_SCOPES } from '#rbac/scopes.js';
import type { OAuth2AuthorizationServerMetadata, OAuth2ProtectedResourceMetadata } from '#sdk/oauth2.js';
import { OAUTH2_GRANT_TYPES, OAUTH2_PKCE_METHODS, OAUTH2_RESPONSE_TYPES, OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS } from '#sdk/oauth2.js';

/** The issuer identifier (RFC 8414 2): the access URL, as the metadata, `iss` and audiences name it. */
export const issuerOf = (accessUrl: string): string => accessUrl.replace(/\/+$/, '');

/** RFC 8414, in Coder's key order, plus the two capabilities this server adds. */
export function authorizationServerMetadata(accessUrl: string): OAuth2AuthorizationServerMetadata {
  const a = issuerOf(accessUrl);
  return {
    issuer: a,
    authorization_endpoint: `${a}/oauth2/authorize`,
    token_endpoint: `${a}/oauth2/tokens`,
    registration_endpoint: `${a}/oauth2/register`,
    revocation_endpoint: `${a}/oauth2/revoke`,
    response_types_supported: [...OAUTH2_RESPONSE_TYPES],
    grant_types_supported: [...OAUTH2_GRANT_TYPES],
    code_challenge_methods_supported: [...OAUTH2_PKCE_METHODS],
    scopes_supported: [...EXTERNAL_SCOPES],
    token_endpoint_auth_methods_supported: [...OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS],
    client_id_metadata_document_supported: true,
    authorization_response_iss_parameter_supported: true,
  };
}

/** RFC 9728: the whole deployment is one protected resource, whatever sub-path is asked about. */
export function protectedResourceMetadata(accessUrl: string): OAuth2ProtectedResourceMetadata {
  const a = issuerOf(accessUrl);
  return { resource: a, authorization_servers: [a], scopes_supported: [...EXTERNAL_SCOPES], bearer_methods_supported: ['header', 'query'] };
}
