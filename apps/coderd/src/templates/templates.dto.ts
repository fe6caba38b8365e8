import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, MaxLength, Min, ValidateNested } from 'class-validator';

/** Coder's template name rule: letters, digits and single hyphens/underscores inside, at most 32. */
const TEMPLATE_NAME_RE = /^[a-zA-Z0-9](?:[a-zA-Z0-9_-]*[a-zA-Z0-9])?$/;
const TEMPLATE_NAME_RULE = { message: 'Must be letters, digits, "-" or "_", starting and ending with a letter or digit.' };

export class CreateTemplateRequest {
  @IsString() @MaxLength(32) @Matches(TEMPLATE_NAME_RE, TEMPLATE_NAME_RULE)
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
  /** Lower-case weekday names; workspaces must stop (restart) on these days. */
  @IsArray() @IsString({ each: true })
  days_of_week: string[];
  /** Every how many weeks the requirement applies (1 = every week, at most 16). */
  @IsInt()
  weeks: number;
}

export class TemplateAutostartRequirement {
  /** Lower-case weekday names on which autostart may run. */
  @IsArray() @IsString({ each: true })
  days_of_week: string[];
}

export const PORT_SHARE_LEVELS = ['owner', 'authenticated', 'organization', 'public'] as const;
export const CORS_BEHAVIORS = ['simple', 'passthru'] as const;

/**
 * PATCH /templates/{id}. Unlike Coder's handler, which takes a missing field as its zero value (its
 * clients always send every field), a missing field here keeps its current value.
 */
export class UpdateTemplateMeta {
  /** Empty keeps the name, as in Coder. */
  @IsOptional() @IsString() @MaxLength(32) @Matches(new RegExp(`(^$)|${TEMPLATE_NAME_RE.source}`), TEMPLATE_NAME_RULE)
  name?: string;
  @IsOptional() @IsString() @MaxLength(64)
  display_name?: string;
  @IsOptional() @IsString() @MaxLength(128)
  description?: string;
  @IsOptional() @IsString() @MaxLength(256)
  icon?: string;
  @IsOptional() @IsInt()
  default_ttl_ms?: number;
  @IsOptional() @IsInt()
  activity_bump_ms?: number;
  @IsOptional() @IsInt()
  time_til_autostop_notify_ms?: number;
  /** Needs `advanced_template_scheduling`; ignored without it, as in Coder. */
  @IsOptional() @ValidateNested() @Type(() => TemplateAutostopRequirement)
  autostop_requirement?: TemplateAutostopRequirement;
  /** Needs `advanced_template_scheduling`; ignored without it. */
  @IsOptional() @ValidateNested() @Type(() => TemplateAutostartRequirement)
  autostart_requirement?: TemplateAutostartRequirement;
  /** Needs `advanced_template_scheduling`; without it both stay true. */
  @IsOptional() @IsBoolean()
  allow_user_autostart?: boolean;
  @IsOptional() @IsBoolean()
  allow_user_autostop?: boolean;
  @IsOptional() @IsBoolean()
  allow_user_cancel_workspace_jobs?: boolean;
  /** Needs `advanced_template_scheduling`; ignored without it. */
  @IsOptional() @IsInt()
  failure_ttl_ms?: number;
  /** Needs `advanced_template_scheduling`; 0, or at least one minute. */
  @IsOptional() @IsInt()
  time_til_dormant_ms?: number;
  /** Needs `advanced_template_scheduling`; 0, or at least one minute. */
  @IsOptional() @IsInt()
  time_til_dormant_autodelete_ms?: number;
  /** Count every workspace of the template as used now (so none turns dormant at once under a new inactivity time). */
  @IsOptional() @IsBoolean()
  update_workspace_last_used_at?: boolean;
  /** Restart the dormancy clock of dormant workspaces now (so none is deleted at once under a new autodelete time). */
  @IsOptional() @IsBoolean()
  update_workspace_dormant_at?: boolean;
  /** Needs `access_control`; ignored without it. */
  @IsOptional() @IsBoolean()
  require_active_version?: boolean;
  /** Needs `access_control`; ignored without it. Non-empty deprecates the template: no new workspaces. */
  @IsOptional() @IsString()
  deprecation_message?: string;
  /** True removes the Everyone group from the template's ACL. */
  @IsOptional() @IsBoolean()
  disable_everyone_group_access?: boolean;
  /** Needs `control_shared_ports` to change. */
  @IsOptional() @IsIn(PORT_SHARE_LEVELS)
  max_port_share_level?: (typeof PORT_SHARE_LEVELS)[number];
  @IsOptional() @IsBoolean()
  use_classic_parameter_flow?: boolean;
  @IsOptional() @IsIn(CORS_BEHAVIORS)
  cors_behavior?: (typeof CORS_BEHAVIORS)[number];
  @IsOptional() @IsBoolean()
  disable_module_cache?: boolean;
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
  deleted: boolean;
  icon: string;
  default_ttl_ms: number;
  activity_bump_ms: number;
  time_til_autostop_notify_ms: number;
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
  disable_module_cache: boolean;
}
