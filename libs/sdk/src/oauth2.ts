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
  // Coder's answer to an RFC 7592 request whose client_id is not an id at all.
  'invalid_client_id',
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

/** The token endpoint's answer (RFC 6749 5.1), with Coder's extra `expiry`. */
export interface OAuth2TokenResponse {
  access_token: string;
  token_type: OAuth2TokenType;
  refresh_token: string;
  /** Seconds until the access token expires. */
  expires_in: number;
  /** When the access token expires (RFC 3339); Coder's addition. */
  expiry: string;
  /** The scopes of the access token, space-separated. */
  scope: string;
}

/** RFC 8414 authorization server metadata, in Coder's key order. */
export interface OAuth2AuthorizationServerMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  registration_endpoint: string;
  revocation_endpoint: string;
  response_types_supported: OAuth2ResponseType[];
  grant_types_supported: OAuth2GrantType[];
  code_challenge_methods_supported: OAuth2PkceMethod[];
  scopes_supported: string[];
  token_endpoint_auth_methods_supported: OAuth2TokenEndpointAuthMethod[];
  /** Beyond Coder: an https URL may be a client_id (OAuth Client ID Metadata Document). */
  client_id_metadata_document_supported: boolean;
  /** Beyond Coder: authorization responses carry `iss` (RFC 9207). */
  authorization_response_iss_parameter_supported: boolean;
}

/** RFC 9728 protected resource metadata. */
export interface OAuth2ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported: string[];
  bearer_methods_supported: ('header' | 'query')[];
}

/** RFC 7591 client metadata, as registered (and as RFC 7592 reads and replaces it). */
export interface OAuth2ClientMetadata {
  redirect_uris: string[];
  client_name?: string;
  client_uri?: string;
  logo_uri?: string;
  tos_uri?: string;
  policy_uri?: string;
  jwks_uri?: string;
  software_id?: string;
  software_version?: string;
  grant_types?: OAuth2GrantType[];
  response_types?: OAuth2ResponseType[];
  token_endpoint_auth_method?: OAuth2TokenEndpointAuthMethod;
  scope?: string;
  contacts?: string[];
}

/** RFC 7591 3.2.1 / RFC 7592 3: the registered client. */
export interface OAuth2ClientInformation extends OAuth2ClientMetadata {
  client_id: string;
  /** Absent for public clients; only in the registration answer. */
  client_secret?: string;
  client_id_issued_at: number;
  grant_types: OAuth2GrantType[];
  response_types: OAuth2ResponseType[];
  token_endpoint_auth_method: OAuth2TokenEndpointAuthMethod;
  /** Only in the registration answer: shown once. */
  registration_access_token?: string;
  registration_client_uri: string;
}
