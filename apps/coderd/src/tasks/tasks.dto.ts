import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { WORKSPACE_NAME_RE } from '../workspaces/workspaces.dto.js';
import { WorkspaceBuild } from '../workspaces/workspace-builds.dto.js';
import { TASK_STATUSES } from './task-status.js';

const NAME_MESSAGE = 'Must be at most 32 letters and digits, separated by single hyphens (the name of its workspace).';

/** Coder's CreateTaskRequest. A missing name is made from the input. */
export class CreateTaskRequest {
  @IsUUID('all', { message: 'Must be a UUID.' })
  template_version_id: string;
  @IsOptional() @IsUUID('all', { message: 'Must be a UUID.' })
  template_version_preset_id?: string;
  /** The prompt the AI agent starts with. */
  @IsString() @MinLength(1, { message: 'Must not be empty.' })
  input: string;
  @IsOptional() @IsString() @MaxLength(32, { message: NAME_MESSAGE }) @Matches(WORKSPACE_NAME_RE, { message: NAME_MESSAGE })
  name?: string;
  @IsOptional() @IsString() @MaxLength(64, { message: 'Must be at most 64 characters.' })
  display_name?: string;
}

export class TaskStateEntry {
  timestamp: string;
  @ApiProperty({ enum: ['working', 'idle', 'complete', 'failed'] })
  state: string;
  message: string;
  uri: string;
}

export class TaskAgentHealth {
  healthy: boolean;
  reason?: string;
}

/** Coder's Task (codersdk/aitasks.go). */
export class Task {
  id: string;
  organization_id: string;
  owner_id: string;
  owner_name: string;
  owner_avatar_url?: string;
  name: string;
  display_name: string;
  template_id: string;
  template_version_id: string;
  template_name: string;
  template_display_name: string;
  template_icon: string;
  workspace_id?: string;
  workspace_name: string;
  workspace_status?: string;
  workspace_build_number?: number;
  workspace_agent_id?: string;
  workspace_agent_lifecycle?: string;
  @Type(() => TaskAgentHealth)
  workspace_agent_health?: TaskAgentHealth;
  workspace_app_id?: string;
  initial_prompt: string;
  @ApiProperty({ enum: TASK_STATUSES })
  status: string;
  @Type(() => TaskStateEntry)
  current_state?: TaskStateEntry;
  created_at: string;
  updated_at: string;
}

export class TasksListResponse {
  @Type(() => Task)
  tasks: Task[];
  count: number;
}

/** The build a pause or resume started (Coder's PauseTaskResponse / ResumeTaskResponse). */
export class TaskBuildResponse {
  @Type(() => WorkspaceBuild)
  workspace_build: WorkspaceBuild;
}
