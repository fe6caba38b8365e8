import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ProvisionerJob } from '../provisioners/jobs.dto.js';
import { IsBoolean, IsIn, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

/** Coder's template version name rule: letters, digits, "_", "-" and "." (at most 64). */
const VERSION_NAME_RE = /^[a-zA-Z0-9_.-]*$/;

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
  @IsOptional() @IsObject()
  tags?: Record<string, string>;
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
