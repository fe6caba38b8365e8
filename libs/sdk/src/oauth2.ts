// OAuth2 provider vocabulary (RFC 6749, 7009, 7591, 7636, 8707): the one list of each enum, shared by
// the server's validation, its OpenAPI descriptions and the tests.

export const OAUTH2_GRANT_TYPES = ['authorization_code', 'refresh_token'] as const;
export type OAuth2GrantType = (typeof OAUTH2_GRANT_TYPES)[number];

export const OAUTH2_RESPONSE_TYPES = ['code'] as const;
export type OAuth2ResponseType = (typeof OAUTH2_RESPONSE_TYPES)[number];

export const OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;
export type OAuth2TokenEndpointAuthMethod = (typeof OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS)[number];

export const OAUTH2_PKCE_METHODS = ['S256'] as const;
export type OAuth2PkceMethod = (typeof OAUTH2_PKCE_METHODS)[number];

export const OAUTH2_TOKEN_TYPES = ['Bearer'] as const;
export type OAuth2TokenType = (typeof OAUTH2_TOKEN_TYPES)[number];

export const OAUTH2_REVOCATION_HINTS = ['access_token', 'refresh_token'] as const;
export type OAuth2RevocationHint = (typeof OAUTH2_REVOCATION_HINTS)[number];

export const OAUTH2_CLIENT_TYPES = ['confidential', 'public'] as const;
export type OAuth2ClientType = (typeof OAUTH2_CLIENT_TYPES)[number];

/** Error codes of RFC 6749 5.2 and 4.1.2.1, RFC 6750, RFC 7591 and RFC 8707. */
export const OAUTH2_ERROR_CODES = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'unsupported_response_type',
  'invalid_scope',
  'access_denied',
  'server_error',
  'temporarily_unavailable',
  'invalid_token',
  'insufficient_scope',
  'invalid_redirect_uri',
  'invalid_client_metadata',
  'invalid_target',
] as const;
export type OAuth2ErrorCode = (typeof OAUTH2_ERROR_CODES)[number];

/** The body of every OAuth2 protocol error. */
export interface OAuth2Error {
  error: OAuth2ErrorCode;
  error_description?: string;
  error_uri?: string;
}

export interface OAuth2AppEndpoints {
  authorization: string;
  token: string;
  /** Empty: this server has no device authorization endpoint. */
  device_authorization: string;
}

/** An OAuth2 app in the management API (Coder's codersdk.OAuth2ProviderApp). */
export interface OAuth2ProviderApp {
  id: string;
  name: string;
  callback_url: string;
  redirect_uris: string[];
  icon: string;
  endpoints: OAuth2AppEndpoints;
}

export interface OAuth2ProviderAppSecret {
  id: string;
  last_used_at: string | null;
  client_secret_truncated: string;
}

export interface OAuth2ProviderAppSecretFull {
  id: string;
  client_secret_full: string;
}
