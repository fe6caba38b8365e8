import { Type } from 'class-transformer';
import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsNotIn, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ReducedUser } from '#coderd/users/users.dto.js';

/** Coder's GroupNameValid: alphanumerics with single hyphens inside, at most 255 characters. */
export const GROUP_NAME_RE = /^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/;
const GROUP_NAME_MESSAGE = 'Group name must be 1-255 alphanumeric characters, optionally separated by single hyphens.';
/** Would collide with dashboard routes such as /groups/new (Coder refuses them too). */
const ROUTE_WORDS = ['new', 'create'];
const ROUTE_WORD_MESSAGE = 'Group name cannot be "new" or "create".';
/** Coder's DisplayNameValid: at most 64 characters, no leading or trailing whitespace. */
const DISPLAY_NAME_RE = /^(?:[^\s](?:.*[^\s])?)?$/s;
const DISPLAY_NAME_MESSAGE = 'Display name must be at most 64 characters without leading or trailing whitespace.';
const INT32_MAX = 2 ** 31 - 1;
/** More users than this in one request is a mistake, not a group edit. */
const MAX_USERS_PER_PATCH = 1000;

export class CreateGroupRequest {
  @IsString() @MaxLength(255, { message: GROUP_NAME_MESSAGE }) @Matches(GROUP_NAME_RE, { message: GROUP_NAME_MESSAGE })
  @IsNotIn(ROUTE_WORDS, { message: ROUTE_WORD_MESSAGE })
  name: string;
  @IsOptional() @IsString() @MaxLength(64, { message: DISPLAY_NAME_MESSAGE }) @Matches(DISPLAY_NAME_RE, { message: DISPLAY_NAME_MESSAGE })
  display_name?: string;
  @IsOptional() @IsString()
  avatar_url?: string;
  /** Workspace quota credits each member gets from this group. */
  @IsOptional() @IsInt() @Min(0) @Max(INT32_MAX)
  quota_allowance?: number;
}

export class PatchGroupRequest {
  /** User ids to add; each must be a member of the group's organization. */
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_USERS_PER_PATCH) @IsString({ each: true })
  add_users?: string[];
  /** User ids to remove. */
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_USERS_PER_PATCH) @IsString({ each: true })
  remove_users?: string[];
  /** New name; empty or the current name leaves it unchanged. */
  @IsOptional() @IsString() @MaxLength(255, { message: GROUP_NAME_MESSAGE })
  @Matches(/^$|^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/, { message: GROUP_NAME_MESSAGE })
  @IsNotIn(ROUTE_WORDS, { message: ROUTE_WORD_MESSAGE })
  name?: string;
  @IsOptional() @IsString() @MaxLength(64, { message: DISPLAY_NAME_MESSAGE }) @Matches(DISPLAY_NAME_RE, { message: DISPLAY_NAME_MESSAGE })
  display_name?: string | null;
  @IsOptional() @IsString()
  avatar_url?: string | null;
  @IsOptional() @IsInt() @Min(0) @Max(INT32_MAX)
  quota_allowance?: number | null;
}

export const GROUP_SOURCES = ['user', 'oidc'] as const;

/** codersdk.Group. The Everyone group of an organization has the organization's id. */
export class Group {
  id: string;
  name: string;
  display_name: string;
  organization_id: string;
  /** The members the caller may see (a plain member sees only themselves). */
  @Type(() => ReducedUser)
  members: ReducedUser[];
  /** Every member of the group, whether the caller may see them or not. */
  total_member_count: number;
  avatar_url: string;
  quota_allowance: number;
  @ApiProperty({ enum: GROUP_SOURCES })
  source: (typeof GROUP_SOURCES)[number];
  organization_name: string;
  organization_display_name: string;
}
