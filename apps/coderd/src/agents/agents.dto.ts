import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDateString, IsIn, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { WORKSPACE_AGENT_LIFECYCLE_STATES } from '#db/entities/workspace-agent.entity.js';
import { IsStringMap } from '#httpapi/validators.js';
import { LOG_LEVELS } from '#db/entities/provisioner-job-log.entity.js';
import { WorkspaceAgentScript, WorkspaceApp } from '../provisioners/resources.dto.js';
import { WorkspaceAgentMetadataDescription } from './agent-reports.dto.js';

/** What an agent needs to run (Coder's agentsdk.Manifest, as its HTTP manifest route served it before DRPC). */
export class AgentManifest {
  agent_id: string;
  agent_name: string;
  owner_name: string;
  owner_id: string;
  workspace_id: string;
  workspace_name: string;
  template_id: string;
  environment_variables: Record<string, string>;
  directory: string;
  motd_file: string;
  @Type(() => WorkspaceApp)
  apps: WorkspaceApp[];
  @Type(() => WorkspaceAgentScript)
  scripts: WorkspaceAgentScript[];
  /** Metadata the template declares: the agent runs each script every `interval` seconds and posts the results. */
  @Type(() => WorkspaceAgentMetadataDescription)
  metadata: WorkspaceAgentMetadataDescription[];
  disable_direct_connections: boolean;
}

export class PostLifecycleRequest {
  @ApiProperty({ enum: WORKSPACE_AGENT_LIFECYCLE_STATES })
  @IsIn(WORKSPACE_AGENT_LIFECYCLE_STATES, { message: `Must be one of ${WORKSPACE_AGENT_LIFECYCLE_STATES.join(', ')}.` })
  state: (typeof WORKSPACE_AGENT_LIFECYCLE_STATES)[number];
  /** When the state changed, on the agent's clock; now when omitted. */
  @IsOptional() @IsDateString({}, { message: 'Must be an RFC 3339 timestamp.' })
  changed_at?: string;
}

export class PostStartupRequest {
  @IsString() @MaxLength(128)
  version: string;
  @IsOptional() @IsString() @MaxLength(4096)
  expanded_directory?: string;
  @IsOptional() @IsArray() @ArrayMaxSize(8) @IsIn(['envbox', 'envbuilder', 'exectrace'], { each: true })
  subsystems?: string[];
}

export class AgentLog {
  @IsDateString({}, { message: 'Must be an RFC 3339 timestamp.' })
  created_at: string;
  /** One line; agents split longer output. */
  @IsString() @MaxLength(1024)
  output: string;
  @ApiProperty({ enum: LOG_LEVELS })
  @IsOptional() @IsIn(LOG_LEVELS)
  level?: (typeof LOG_LEVELS)[number];
}

export class PatchLogsRequest {
  @IsUUID('all', { message: 'Must be a UUID.' })
  log_source_id: string;
  @IsArray() @ArrayMinSize(0) @ArrayMaxSize(10_000) @ValidateNested({ each: true }) @Type(() => AgentLog)
  logs: AgentLog[];
}

export class PostLogSourceRequest {
  @IsUUID('all', { message: 'Must be a UUID.' })
  id: string;
  @IsString() @MaxLength(127)
  display_name: string;
  @IsOptional() @IsString() @MaxLength(256)
  icon?: string;
}

export class WorkspaceAgentLogSource {
  workspace_agent_id: string;
  id: string;
  created_at: string;
  display_name: string;
  icon: string;
}

export class WorkspaceAgentLog {
  id: number;
  created_at: string;
  output: string;
  @ApiProperty({ enum: LOG_LEVELS })
  level: string;
  source_id: string;
}

/** The health an agent's checks found, per app id (Coder's PostWorkspaceAppHealthsRequest). */
export class PostAppHealthsRequest {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string', enum: ['initializing', 'healthy', 'unhealthy'] } })
  @IsStringMap()
  healths: Record<string, string>;
}
