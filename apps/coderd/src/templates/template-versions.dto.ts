import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ProvisionerJob } from '../provisioners/jobs.dto.js';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { IsStringMap } from '#httpapi/validators.js';

/** Coder's template version name rule: letters, digits, "_", "-" and "." (at most 64). */
const VERSION_NAME_RE = /^[a-zA-Z0-9_.-]*$/;

export class VariableValue {
  @IsString() @MaxLength(64)
  name: string;
  @IsString() @MaxLength(65536)
  value: string;
}

export class CreateTemplateVersionRequest {
  @IsOptional() @IsString() @MaxLength(64) @Matches(VERSION_NAME_RE, { message: 'Name may contain letters, digits, "_", "-" and "." only.' })
  name?: string;
  @IsOptional() @IsString() @MaxLength(1048576)
  message?: string;
  @IsOptional() @IsUUID('all', { message: 'Must be a UUID.' })
  template_id?: string;
  @IsIn(['file'], { message: 'Only "file" is supported.' })
  storage_method: 'file';
  @IsOptional() @IsUUID('all', { message: 'Must be a UUID.' })
  file_id?: string;
  /** Starter templates are not shipped; a version needs a file_id. */
  @IsOptional() @IsString()
  example_id?: string;
  @ApiProperty({ enum: ['terraform', 'echo'] })
  @IsIn(['terraform', 'echo'], { message: 'Must be "terraform" or "echo".' })
  provisioner: 'terraform' | 'echo';
  @IsOptional() @IsStringMap()
  tags?: Record<string, string>;
  /** Values for the template's variables; one left out takes its default, and a required one without a value fails the import. */
  @IsOptional() @IsArray() @ArrayMaxSize(1000) @ValidateNested({ each: true }) @Type(() => VariableValue)
  user_variable_values?: VariableValue[];
}

export class PatchTemplateVersionRequest {
  @IsOptional() @IsString() @MaxLength(64) @Matches(VERSION_NAME_RE, { message: 'Name may contain letters, digits, "_", "-" and "." only.' })
  name?: string;
  @IsOptional() @IsString() @MaxLength(1048576)
  message?: string;
}

export class TemplateVersionIdRequest {
  @IsUUID('all', { message: 'Must be a UUID.' })
  id: string;
}

export class ArchiveTemplateVersionsRequest {
  /** Archive every unused version, not only the failed ones. */
  @IsOptional() @IsBoolean()
  all?: boolean;
}

export class ArchiveTemplateVersionsResponse {
  template_id: string;
  archived_ids: string[];
}

export class MinimalUser {
  id: string;
  username: string;
  name: string;
  avatar_url: string;
}

export class TemplateVersion {
  id: string;
  template_id?: string;
  organization_id: string;
  created_at: string;
  updated_at: string;
  name: string;
  message: string;
  @Type(() => ProvisionerJob)
  job: ProvisionerJob;
  readme: string;
  @Type(() => MinimalUser)
  created_by: MinimalUser;
  archived: boolean;
  warnings: string[];
  has_external_agent: boolean;
}

export class TemplateVersionParameterOption {
  name: string;
  description: string;
  value: string;
  icon: string;
}

export class TemplateVersionParameter {
  name: string;
  display_name?: string;
  description: string;
  description_plaintext: string;
  @ApiProperty({ enum: ['string', 'number', 'bool', 'list(string)'] })
  type: string;
  form_type: string;
  mutable: boolean;
  default_value: string;
  icon: string;
  @Type(() => TemplateVersionParameterOption)
  options: TemplateVersionParameterOption[];
  validation_error?: string;
  validation_regex?: string;
  validation_min?: number;
  validation_max?: number;
  validation_monotonic?: string;
  required: boolean;
  ephemeral: boolean;
}

/** A template variable of a version (sensitive values read as "*redacted*"). */
export class TemplateVersionVariable {
  name: string;
  description: string;
  @ApiProperty({ enum: ['string', 'number', 'bool'] })
  type: string;
  value: string;
  default_value: string;
  required: boolean;
  sensitive: boolean;
}

/** An external auth provider the version's template asks its users to link. */
export class TemplateVersionExternalAuth {
  id: string;
  type: string;
  display_name: string;
  display_icon: string;
  authenticate_url: string;
  authenticated: boolean;
  optional?: boolean;
}
