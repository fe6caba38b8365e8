import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import type * as sdk from '#sdk/apikeys.js';

export class APIKeyAllowListTarget implements sdk.APIKeyAllowListTarget {
  /** An RBAC resource type, or "*". */
  @IsString() @MaxLength(64)
  type: string;
  /** A resource id (UUID), or "*". */
  @IsString() @MaxLength(64)
  id: string;
}

export class CreateTokenRequest {
  /** Lifetime in nanoseconds (a Go time.Duration); 0 or absent means 30 days, capped by the maximum token lifetime. */
  @IsOptional() @IsInt() @Min(0)
  lifetime?: number;
  /** Deprecated single scope (e.g. "all" or "application_connect"); used only when `scopes` is empty. */
  @IsOptional() @IsString() @MaxLength(128)
  scope?: string;
  /**
   * Scopes from GET /api/v2/auth/scopes; default ["coder:all"]. The new token may not be broader than
   * the one making the request.
   */
  @IsOptional() @IsArray() @ArrayMaxSize(64) @IsString({ each: true }) @MaxLength(128, { each: true })
  scopes?: string[];
  /** Unique per user (a duplicate is 400); generated when absent. */
  @IsOptional() @IsString() @MaxLength(64) @Matches(/^[a-zA-Z0-9_-]*$/, { message: 'Token name may contain letters, digits, "-" and "_" only.' })
  token_name?: string;
  /** Objects the token may reach (at most 128); default everything ("*:*"). */
  @IsOptional() @IsArray() @ArrayMaxSize(128) @ValidateNested({ each: true }) @Type(() => APIKeyAllowListTarget)
  allow_list?: APIKeyAllowListTarget[];
}

export class APIKey implements sdk.APIKey {
  id: string;
  user_id: string;
  last_used: string;
  expires_at: string;
  created_at: string;
  updated_at: string;
  login_type: string;
  /** Deprecated: "all" when scopes contain coder:all, else "application_connect". */
  scope: string;
  scopes: string[];
  token_name: string;
  lifetime_seconds: number;
  @Type(() => APIKeyAllowListTarget)
  allow_list: APIKeyAllowListTarget[];
}

export class APIKeyWithOwner extends APIKey implements sdk.APIKeyWithOwner {
  username: string;
}

export class GenerateAPIKeyResponse implements sdk.GenerateAPIKeyResponse {
  /** The token; shown only once. */
  key: string;
}

export class TokenConfig implements sdk.TokenConfig {
  /** Maximum token lifetime in nanoseconds. */
  max_token_lifetime: number;
}

export class ExternalAPIKeyScopes implements sdk.ExternalAPIKeyScopes {
  /** Every scope `POST /users/{user}/keys/tokens` accepts (canonical names, sorted). */
  external: string[];
}
