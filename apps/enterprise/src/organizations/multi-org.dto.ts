import { IsNotIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** Coder's NameValid: 1-32 alphanumerics with single hyphens inside; "new" and "create" are route words. */
const NAME_RE = /^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/;
const NAME_MESSAGE = 'Organization name must be 1-32 alphanumeric characters, optionally separated by single hyphens.';
const ROUTE_WORDS = ['new', 'create'];
const ROUTE_WORD_MESSAGE = 'Organization name cannot be "new" or "create".';
/** Coder's DisplayNameValid: at most 64 characters, no leading or trailing whitespace. */
const DISPLAY_NAME_RE = /^(?:[^\s](?:.*[^\s])?)?$/s;
const DISPLAY_NAME_MESSAGE = 'Display name must be at most 64 characters without leading or trailing whitespace.';

export class CreateOrganizationRequest {
  @IsString() @MaxLength(32, { message: NAME_MESSAGE }) @Matches(NAME_RE, { message: NAME_MESSAGE })
  @IsNotIn(ROUTE_WORDS, { message: ROUTE_WORD_MESSAGE })
  name: string;
  /** Defaults to the name. */
  @IsOptional() @IsString() @MaxLength(64, { message: DISPLAY_NAME_MESSAGE }) @Matches(DISPLAY_NAME_RE, { message: DISPLAY_NAME_MESSAGE })
  display_name?: string;
  @IsOptional() @IsString()
  description?: string;
  /** An icon URL or path. */
  @IsOptional() @IsString()
  icon?: string;
}

/** Empty name or display name leaves it unchanged; description and icon change whenever given. */
export class UpdateOrganizationRequest {
  @IsOptional() @IsString() @MaxLength(32, { message: NAME_MESSAGE })
  @Matches(/^$|^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/, { message: NAME_MESSAGE })
  @IsNotIn(ROUTE_WORDS, { message: ROUTE_WORD_MESSAGE })
  name?: string;
  @IsOptional() @IsString() @MaxLength(64, { message: DISPLAY_NAME_MESSAGE }) @Matches(DISPLAY_NAME_RE, { message: DISPLAY_NAME_MESSAGE })
  display_name?: string;
  @IsOptional() @IsString()
  description?: string | null;
  @IsOptional() @IsString()
  icon?: string | null;
}
