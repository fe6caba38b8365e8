import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { ProvisionerJob } from '../provisioners/jobs.dto.js';
import { WorkspaceResource } from '../provisioners/resources.dto.js';

export const REQUEST_BUILD_REASONS = ['dashboard', 'cli', 'ssh_connection', 'vscode_connection', 'jetbrains_connection', 'task_manual_pause'] as const;

export class WorkspaceBuildParameter {
  @IsString() @MaxLength(64)
  name: string;
  @IsString() @MaxLength(65536)
  value: string;
}

export class CreateWorkspaceBuildRequest {
  @ApiProperty({ enum: ['start', 'stop', 'delete'] })
  @IsIn(['start', 'stop', 'delete'], { message: 'Must be "start", "stop" or "delete".' })
  transition: 'start' | 'stop' | 'delete';
  /** Defaults to the template's active version for a start, else the previous build's. */
  @IsOptional() @IsUUID('all', { message: 'Must be a UUID.' })
  template_version_id?: string;
  /** Dry runs are not supported; true is refused. */
  @IsOptional() @IsBoolean()
  dry_run?: boolean;
  /** Provisioner state to use instead of the previous build's, base64 (template administrators only). */
  @IsOptional() @IsString()
  state?: string;
  /** Delete only: forget the workspace without running the template's destroy (template administrators only). */
  @IsOptional() @IsBoolean()
  orphan?: boolean;
  @IsOptional() @IsArray() @ArrayMaxSize(1024) @ValidateNested({ each: true }) @Type(() => WorkspaceBuildParameter)
  rich_parameter_values?: WorkspaceBuildParameter[];
  @ApiProperty({ enum: ['debug'], required: false })
  @IsOptional() @IsIn(['', 'debug'], { message: 'Must be "debug".' })
  log_level?: '' | 'debug';
  @ApiProperty({ enum: REQUEST_BUILD_REASONS, required: false })
  @IsOptional() @IsIn(REQUEST_BUILD_REASONS, { message: `Must be one of ${REQUEST_BUILD_REASONS.join(', ')}.` })
  reason?: (typeof REQUEST_BUILD_REASONS)[number];
  /** Presets are not supported yet. */
  @IsOptional() @IsUUID('all', { message: 'Must be a UUID.' })
  template_version_preset_id?: string;
}

export class MatchedProvisioners {
  count: number;
  available: number;
  most_recently_seen?: string;
}

export class WorkspaceBuild {
  id: string;
  created_at: string;
  updated_at: string;
  workspace_id: string;
  workspace_name: string;
  workspace_owner_id: string;
  workspace_owner_name: string;
  workspace_owner_avatar_url?: string;
  template_version_id: string;
  template_version_name: string;
  build_number: number;
  @ApiProperty({ enum: ['start', 'stop', 'delete'] })
  transition: string;
  initiator_id: string;
  initiator_name: string;
  @Type(() => ProvisionerJob)
  job: ProvisionerJob;
  @ApiProperty({ enum: ['initiator', 'autostart', 'autostop', 'dormancy', 'failedstop', 'autodelete', 'dashboard', 'cli', 'ssh_connection', 'vscode_connection', 'jetbrains_connection', 'task_auto_pause', 'task_manual_pause', 'task_resume'] })
  reason: string;
  @Type(() => WorkspaceResource)
  resources: WorkspaceResource[];
  /** Absent until the build has stopped on its own deadline (none for stop and delete builds). */
  deadline?: string;
  max_deadline?: string;
  @ApiProperty({ enum: ['pending', 'starting', 'running', 'stopping', 'stopped', 'failed', 'canceling', 'canceled', 'deleting', 'deleted'] })
  status: string;
  daily_cost: number;
  @Type(() => MatchedProvisioners)
  matched_provisioners?: MatchedProvisioners;
  template_version_preset_id?: string;
  has_ai_task?: boolean;
  has_external_agent?: boolean;
  /** The app the build runs its AI task in. */
  @ApiProperty({ required: false, format: 'uuid' })
  task_app_id?: string;
  /** Deprecated: the same as task_app_id. */
  @ApiProperty({ required: false, format: 'uuid', deprecated: true })
  ai_task_sidebar_app_id?: string;
}

export class ProvisionerTiming {
  job_id: string;
  started_at: string;
  ended_at: string;
  stage: string;
  source: string;
  action: string;
  resource: string;
}

export class AgentScriptTiming {
  started_at: string;
  ended_at: string;
  exit_code: number;
  stage: string;
  status: string;
  display_name: string;
  workspace_agent_id: string;
  workspace_agent_name: string;
}

export class AgentConnectionTiming {
  started_at: string;
  ended_at: string;
  stage: string;
  workspace_agent_id: string;
  workspace_agent_name: string;
}

export class WorkspaceBuildTimings {
  @Type(() => ProvisionerTiming)
  provisioner_timings: ProvisionerTiming[];
  @Type(() => AgentScriptTiming)
  agent_script_timings: AgentScriptTiming[];
  @Type(() => AgentConnectionTiming)
  agent_connection_timings: AgentConnectionTiming[];
}

export class CancelWorkspaceBuildQuery {
  @ApiProperty({ enum: ['running', 'pending'], required: false })
  expect_status?: 'running' | 'pending';
}
