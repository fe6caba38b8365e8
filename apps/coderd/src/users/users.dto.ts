import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import type * as sdk from '#sdk/users.js';

/** Coder's username rule: alphanumerics with single hyphens inside, at most 32 characters. */
export const USERNAME_RE = /^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/;
const USERNAME_MESSAGE = 'Username must be 1-32 alphanumeric characters, optionally separated by single hyphens.';

export class CreateFirstUserRequest implements sdk.CreateFirstUserRequest {
  @IsEmail({}, { message: 'Must be a valid email address.' })
  @MaxLength(320)
  email: string;
  @IsString() @MaxLength(32) @Matches(USERNAME_RE, { message: USERNAME_MESSAGE })
  username: string;
  /** Full name, at most 128 characters. */
  @IsOptional() @IsString() @MaxLength(128)
  name?: string;
  @IsString() @MaxLength(64)
  password: string;
  /** Accepted for compatibility; trials are not issued by this server. */
  @IsOptional() @IsBoolean()
  trial?: boolean;
}

export class CreateFirstUserResponse implements sdk.CreateFirstUserResponse {
  user_id: string;
  organization_id: string;
}

export class CreateUserRequest {
  @IsOptional() @IsEmail({}, { message: 'Must be a valid email address.' }) @MaxLength(320)
  email?: string;
  @IsString() @MaxLength(32) @Matches(USERNAME_RE, { message: USERNAME_MESSAGE })
  username: string;
  @IsOptional() @IsString() @MaxLength(128)
  name?: string;
  /** Required when login_type is "password" (the default). */
  @IsOptional() @IsString() @MaxLength(64)
  password?: string;
  @IsOptional() @IsIn(['', 'password', 'none', 'github', 'oidc'])
  login_type?: '' | 'password' | 'none' | 'github' | 'oidc';
  /** Initial status; defaults to "dormant" until the user first signs in. */
  @IsOptional() @IsIn(['active', 'dormant'])
  user_status?: 'active' | 'dormant';
  /** Organizations to join; the default organization when empty. */
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsUUID('all', { each: true, message: 'Each organization id must be a UUID.' })
  organization_ids?: string[];
  /** A service account has no email and logs in with tokens only (login_type "none"). */
  @IsOptional() @IsBoolean()
  service_account?: boolean;
}

export class UpdateUserProfileRequest {
  @IsString() @MaxLength(32) @Matches(USERNAME_RE, { message: USERNAME_MESSAGE })
  username: string;
  @IsOptional() @IsString() @MaxLength(128)
  name?: string;
}

export class UpdateUserPasswordRequest {
  /** Required when changing your own password. */
  @IsOptional() @IsString() @MaxLength(64)
  old_password?: string;
  @IsString() @MaxLength(64)
  password: string;
}

export class UpdateRolesRequest {
  @IsArray() @ArrayMaxSize(64) @IsString({ each: true }) @MaxLength(64, { each: true })
  roles: string[];
}

export class LoginWithPasswordRequest implements sdk.LoginWithPasswordRequest {
  @IsString() @MaxLength(320)
  email: string;
  @IsString() @MaxLength(64)
  password: string;
}

export class LoginWithPasswordResponse implements sdk.LoginWithPasswordResponse {
  session_token: string;
}

export class SlimRole implements sdk.SlimRole {
  name: string;
  display_name: string;
  organization_id?: string;
}

export class ReducedUser implements sdk.ReducedUser {
  id: string;
  username: string;
  name: string;
  email: string;
  avatar_url: string;
  created_at: string;
  updated_at: string;
  last_seen_at: string;
  status: sdk.UserStatus;
  login_type: sdk.LoginType;
  theme_preference: string;
  is_service_account: boolean;
  /** Whether the user holds an AI seat: true once they have used AI features (AI Bridge, tasks). */
  has_ai_seat: boolean;
}

export class User extends ReducedUser implements sdk.User {
  organization_ids: string[];
  @Type(() => SlimRole)
  roles: SlimRole[];
}

export class GetUsersResponse implements sdk.GetUsersResponse {
  users: User[];
  /** Total users matching the query, ignoring pagination. */
  count: number;
}

export class UserRoles {
  roles: string[];
  organization_roles: Record<string, string[]>;
}

class AuthMethod {
  enabled: boolean;
}
class GithubAuthMethod extends AuthMethod {
  default_provider_configured: boolean;
}
class OIDCAuthMethod extends AuthMethod {
  signInText: string;
  iconUrl: string;
}
export class AuthMethods implements sdk.AuthMethods {
  terms_of_service_url?: string;
  password: AuthMethod;
  github: GithubAuthMethod;
  oidc: OIDCAuthMethod;
}

export class MessageResponse {
  message: string;
  detail?: string;
}
