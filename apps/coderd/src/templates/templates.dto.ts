import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, IsUUID, Matches, MaxLength, Min } from 'class-validator';

/** Coder's template name rule: letters, digits and single hyphens/underscores inside, at most 32. */
const TEMPLATE_NAME_RE = /^[a-zA-Z0-9](?:[a-zA-Z0-9_-]*[a-zA-Z0-9])?$/;

export class CreateTemplateRequest {
  @IsString() @MaxLength(32) @Matches(TEMPLATE_NAME_RE, { message: 'Must be letters, digits, "-" or "_", starting and ending with a letter or digit.' })
  name: string;
  @IsUUID('all', { message: 'Must be a UUID.' })
  template_version_id: string;
  @IsOptional() @IsString() @MaxLength(64)
  display_name?: string;
  @IsOptional() @IsString() @MaxLength(128)
  description?: string;
  @IsOptional() @IsString() @MaxLength(256)
  icon?: string;
  @IsOptional() @IsInt() @Min(0)
  default_ttl_ms?: number;
  @IsOptional() @IsInt() @Min(0)
  activity_bump_ms?: number;
  @IsOptional() @IsInt() @Min(0)
  failure_ttl_ms?: number;
  /** Coder's names for the dormancy durations. */
  @IsOptional() @IsInt() @Min(0)
  dormant_ttl_ms?: number;
  @IsOptional() @IsInt() @Min(0)
  delete_ttl_ms?: number;
  @IsOptional() @IsBoolean()
  allow_user_cancel_workspace_jobs?: boolean;
  @IsOptional() @IsBoolean()
  allow_user_autostart?: boolean;
  @IsOptional() @IsBoolean()
  allow_user_autostop?: boolean;
  /** Without it, every member of the organization may read and use the template (the Everyone group). */
  @IsOptional() @IsBoolean()
  disable_everyone_group_access?: boolean;
  @IsOptional() @IsBoolean()
  require_active_version?: boolean;
  @IsOptional() @IsBoolean()
  template_use_classic_parameter_flow?: boolean;
}

export class TransitionStats {
  P50: number | null;
  P95: number | null;
}

export class TemplateBuildTimeStats {
  @Type(() => TransitionStats) start: TransitionStats;
  @Type(() => TransitionStats) stop: TransitionStats;
  @Type(() => TransitionStats) delete: TransitionStats;
}

export class TemplateAutostopRequirement {
  days_of_week: string[];
  weeks: number;
}

export class TemplateAutostartRequirement {
  days_of_week: string[];
}

export class Template {
  id: string;
  created_at: string;
  updated_at: string;
  organization_id: string;
  organization_name: string;
  organization_display_name: string;
  organization_icon: string;
  name: string;
  display_name: string;
  @ApiProperty({ enum: ['terraform', 'echo'] })
  provisioner: string;
  active_version_id: string;
  active_user_count: number;
  @Type(() => TemplateBuildTimeStats)
  build_time_stats: TemplateBuildTimeStats;
  description: string;
  deprecated: boolean;
  deprecation_message: string;
  icon: string;
  default_ttl_ms: number;
  activity_bump_ms: number;
  @Type(() => TemplateAutostopRequirement)
  autostop_requirement: TemplateAutostopRequirement;
  @Type(() => TemplateAutostartRequirement)
  autostart_requirement: TemplateAutostartRequirement;
  created_by_id: string;
  created_by_name: string;
  allow_user_autostart: boolean;
  allow_user_autostop: boolean;
  allow_user_cancel_workspace_jobs: boolean;
  failure_ttl_ms: number;
  time_til_dormant_ms: number;
  time_til_dormant_autodelete_ms: number;
  require_active_version: boolean;
  max_port_share_level: string;
  cors_behavior: string;
  use_classic_parameter_flow: boolean;
}
