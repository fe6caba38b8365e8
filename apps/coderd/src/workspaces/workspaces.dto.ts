import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { WorkspaceBuild, WorkspaceBuildParameter } from './workspace-builds.dto.js';

/** Coder's workspace name rule (codersdk.NameValid): letters, digits and single hyphens, at most 32. */
export const WORKSPACE_NAME_RE = /^[a-zA-Z0-9](?:-?[a-zA-Z0-9])*$/;
const NAME_MESSAGE = 'Must be at most 32 letters, digits or single hyphens, starting and ending with a letter or digit.';

export class CreateWorkspaceRequest {
  /** Exactly one of template_id and template_version_id. */
  @IsOptional() @IsUUID('all', { message: 'Must be a UUID.' })
  template_id?: string;
  @IsOptional() @IsUUID('all', { message: 'Must be a UUID.' })
  template_version_id?: string;
  @IsString() @MaxLength(32, { message: NAME_MESSAGE }) @Matches(WORKSPACE_NAME_RE, { message: NAME_MESSAGE })
  name: string;
  /** `CRON_TZ=<zone> <minute> <hour> * * <days of week>`. */
  @IsOptional() @IsString() @MaxLength(256)
  autostart_schedule?: string;
  @IsOptional() @IsInt()
  ttl_ms?: number;
  @IsOptional() @IsArray() @ArrayMaxSize(1024) @ValidateNested({ each: true }) @Type(() => WorkspaceBuildParameter)
  rich_parameter_values?: WorkspaceBuildParameter[];
  @ApiProperty({ enum: ['always', 'never'], required: false })
  @IsOptional() @IsIn(['always', 'never'], { message: 'Must be "always" or "never".' })
  automatic_updates?: 'always' | 'never';
  /** Presets are not supported yet. */
  @IsOptional() @IsUUID('all', { message: 'Must be a UUID.' })
  template_version_preset_id?: string;
}

export class WorkspaceHealth {
  healthy: boolean;
  failing_agents: string[];
}

export class Workspace {
  id: string;
  created_at: string;
  updated_at: string;
  owner_id: string;
  owner_name: string;
  owner_avatar_url: string;
  organization_id: string;
  organization_name: string;
  template_id: string;
  template_name: string;
  template_display_name: string;
  template_icon: string;
  template_allow_user_cancel_workspace_jobs: boolean;
  template_active_version_id: string;
  template_require_active_version: boolean;
  template_use_classic_parameter_flow: boolean;
  @Type(() => WorkspaceBuild)
  latest_build: WorkspaceBuild;
  outdated: boolean;
  name: string;
  autostart_schedule?: string;
  ttl_ms?: number;
  last_used_at: string;
  deleting_at?: string;
  dormant_at?: string;
  @Type(() => WorkspaceHealth)
  health: WorkspaceHealth;
  @ApiProperty({ enum: ['always', 'never'] })
  automatic_updates: string;
  allow_renames: boolean;
  favorite: boolean;
  next_start_at?: string;
  is_prebuild: boolean;
}

export class WorkspacesResponse {
  @Type(() => Workspace)
  workspaces: Workspace[];
  count: number;
}

export class UpdateWorkspaceRequest {
  @IsString() @MaxLength(32, { message: NAME_MESSAGE }) @Matches(WORKSPACE_NAME_RE, { message: NAME_MESSAGE })
  name: string;
}

export class UpdateWorkspaceAutostartRequest {
  /** Empty or absent turns autostart off. */
  @IsOptional() @IsString() @MaxLength(256)
  schedule?: string;
}

export class UpdateWorkspaceTTLRequest {
  /** Null or absent: the workspace does not stop on its own. */
  @IsOptional() @IsInt() @Min(0)
  ttl_ms?: number | null;
}

export class PutExtendWorkspaceRequest {
  @IsString()
  deadline: string;
}

export class UpdateWorkspaceDormancy {
  @IsBoolean()
  dormant: boolean;
}

export class UpdateWorkspaceAutomaticUpdatesRequest {
  @ApiProperty({ enum: ['always', 'never'] })
  @IsIn(['always', 'never'], { message: 'Must be "always" or "never".' })
  automatic_updates: 'always' | 'never';
}
