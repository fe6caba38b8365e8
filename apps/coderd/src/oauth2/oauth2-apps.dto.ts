import { Type } from 'class-transformer';
import type * as sdk from '#sdk/oauth2.js';
import { ArrayMaxSize, IsArray, IsOptional, IsString, IsUrl, MaxLength, MinLength } from 'class-validator';

const HTTP_URL = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/** POST and PUT /oauth2-provider/apps (Coder's PostOAuth2ProviderAppRequest / PutOAuth2ProviderAppRequest). */
export class Oauth2AppRequest {
  @IsString() @MinLength(1, { message: 'Must not be empty.' }) @MaxLength(64, { message: 'Must be at most 64 characters.' })
  name: string;
  /** Where the authorization server sends the user back; also the first redirect URI. */
  @IsUrl(HTTP_URL, { message: 'Must be an http(s) URL.' })
  callback_url: string;
  @IsOptional() @IsArray() @ArrayMaxSize(32) @IsUrl({ require_tld: false, require_protocol: true, require_valid_protocol: false }, { each: true, message: 'Each must be an absolute URI.' })
  redirect_uris?: string[];
  /** A URL or a path of the deployment; cleared when omitted on PUT, as in Coder. */
  @IsOptional() @IsString() @MaxLength(256)
  icon?: string;
}

export class Oauth2AppEndpoints implements sdk.OAuth2AppEndpoints {
  authorization: string;
  token: string;
  /** Empty: there is no device authorization endpoint. */
  device_authorization: string;
}

/** The wire shapes are libs/sdk's (the one definition); these classes describe them to OpenAPI. */
export class Oauth2ProviderApp implements sdk.OAuth2ProviderApp {
  id: string;
  name: string;
  callback_url: string;
  redirect_uris: string[];
  icon: string;
  @Type(() => Oauth2AppEndpoints)
  endpoints: Oauth2AppEndpoints;
}

export class Oauth2ProviderAppSecret implements sdk.OAuth2ProviderAppSecret {
  id: string;
  last_used_at: string | null;
  /** `*`s and the secret's last six characters. */
  client_secret_truncated: string;
}

export class Oauth2ProviderAppSecretFull implements sdk.OAuth2ProviderAppSecretFull {
  id: string;
  /** Shown once: only its hash is kept. */
  client_secret_full: string;
}
