import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import * as sdk from '#sdk/oauth2.js';

// The wire shapes are libs/sdk's; these classes describe them to OpenAPI. Request bodies of the
// protocol endpoints are validated by the OAuth2 rules (errors in RFC form), not by class-validator.

export class OAuth2TokenResponse implements sdk.OAuth2TokenResponse {
  /** An API key: use it as `Authorization: Bearer` (or any way a Coder session token is sent). */
  access_token: string;
  @ApiProperty({ enum: sdk.OAUTH2_TOKEN_TYPES })
  token_type: sdk.OAuth2TokenType;
  /** Single use: each refresh answers a new one, and presenting a used one again revokes the family. */
  refresh_token: string;
  expires_in: number;
  expiry: string;
  scope: string;
}

/** An `application/x-www-form-urlencoded` request of the token endpoint (RFC 6749 4.1.3, 6). */
export class OAuth2TokenRequest {
  @ApiProperty({ enum: sdk.OAUTH2_GRANT_TYPES })
  grant_type: sdk.OAuth2GrantType;
  /** The app's id, or the URL of its Client ID Metadata Document; or the Basic user name. */
  @ApiPropertyOptional() client_id?: string;
  /** Confidential clients, unless sent with HTTP Basic. */
  @ApiPropertyOptional() client_secret?: string;
  @ApiPropertyOptional({ description: 'authorization_code grant.' }) code?: string;
  @ApiPropertyOptional({ description: 'authorization_code grant: when sent, the redirect URI the code was issued for.' }) redirect_uri?: string;
  @ApiPropertyOptional({ description: 'authorization_code grant: the PKCE verifier of the code\'s challenge.' }) code_verifier?: string;
  @ApiPropertyOptional({ description: 'refresh_token grant.' }) refresh_token?: string;
  @ApiPropertyOptional({ description: 'RFC 8707: exactly the resource of the authorization (or of the token, on refresh).' }) resource?: string;
  @ApiPropertyOptional({ description: 'refresh_token grant: a narrower scope for the new access token.' }) scope?: string;
}

/** RFC 7009 revocation request (form). */
export class OAuth2RevokeRequest {
  /** A refresh token (`coder_...`) or an access token. */
  token: string;
  @ApiPropertyOptional({ enum: sdk.OAUTH2_REVOCATION_HINTS, description: 'Accepted and not needed: the token\'s form says what it is.' })
  token_type_hint?: sdk.OAuth2RevocationHint;
  @ApiPropertyOptional() client_id?: string;
  @ApiPropertyOptional() client_secret?: string;
}

export class OAuth2AuthorizationServerMetadata implements sdk.OAuth2AuthorizationServerMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  registration_endpoint: string;
  revocation_endpoint: string;
  @ApiProperty({ enum: sdk.OAUTH2_RESPONSE_TYPES, isArray: true }) response_types_supported: sdk.OAuth2ResponseType[];
  @ApiProperty({ enum: sdk.OAUTH2_GRANT_TYPES, isArray: true }) grant_types_supported: sdk.OAuth2GrantType[];
  @ApiProperty({ enum: sdk.OAUTH2_PKCE_METHODS, isArray: true }) code_challenge_methods_supported: sdk.OAuth2PkceMethod[];
  scopes_supported: string[];
  @ApiProperty({ enum: sdk.OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS, isArray: true }) token_endpoint_auth_methods_supported: sdk.OAuth2TokenEndpointAuthMethod[];
  client_id_metadata_document_supported: boolean;
  authorization_response_iss_parameter_supported: boolean;
}

export class OAuth2ProtectedResourceMetadata implements sdk.OAuth2ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported: string[];
  @ApiProperty({ enum: ['header', 'query'], isArray: true }) bearer_methods_supported: ('header' | 'query')[];
}

/** The metadata every registration shape shares. */
class OAuth2ClientMetadataFields {
  /** 1 to 32; https, http on loopback only, or a custom scheme for native apps. */
  redirect_uris: string[];
  client_name?: string;
  client_uri?: string;
  logo_uri?: string;
  tos_uri?: string;
  policy_uri?: string;
  jwks_uri?: string;
  software_id?: string;
  software_version?: string;
  scope?: string;
  contacts?: string[];
}

export class OAuth2ClientMetadata extends OAuth2ClientMetadataFields implements sdk.OAuth2ClientMetadata {
  @ApiPropertyOptional({ enum: sdk.OAUTH2_GRANT_TYPES, isArray: true, description: 'Default: authorization_code and refresh_token.' }) grant_types?: sdk.OAuth2GrantType[];
  @ApiPropertyOptional({ enum: sdk.OAUTH2_RESPONSE_TYPES, isArray: true }) response_types?: sdk.OAuth2ResponseType[];
  @ApiPropertyOptional({ enum: sdk.OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS, description: '`none` registers a public client (PKCE, no secret). Default: client_secret_basic.' })
  token_endpoint_auth_method?: sdk.OAuth2TokenEndpointAuthMethod;
}

export class OAuth2ClientInformation extends OAuth2ClientMetadataFields implements sdk.OAuth2ClientInformation {
  client_id: string;
  /** Confidential clients, in the registration answer only. */
  client_secret?: string;
  client_id_issued_at: number;
  @ApiProperty({ enum: sdk.OAUTH2_GRANT_TYPES, isArray: true }) grant_types: sdk.OAuth2GrantType[];
  @ApiProperty({ enum: sdk.OAUTH2_RESPONSE_TYPES, isArray: true }) response_types: sdk.OAuth2ResponseType[];
  @ApiProperty({ enum: sdk.OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS }) token_endpoint_auth_method: sdk.OAuth2TokenEndpointAuthMethod;
  /** In the registration answer only: shown once, kept as its sha256. */
  registration_access_token?: string;
  registration_client_uri: string;
}

/** The error body of every OAuth2 protocol endpoint. */
export class OAuth2ErrorBody implements sdk.OAuth2Error {
  @ApiProperty({ enum: sdk.OAUTH2_ERROR_CODES }) error: sdk.OAuth2ErrorCode;
  error_description?: string;
  error_uri?: string;
}
