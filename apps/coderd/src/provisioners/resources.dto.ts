import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';

export class WorkspaceResourceMetadata {
  key: string;
  value: string;
  sensitive: boolean;
}

export class Healthcheck {
  url: string;
  interval: number;
  threshold: number;
}

export class WorkspaceApp {
  id: string;
  url?: string;
  external: boolean;
  slug: string;
  display_name?: string;
  command?: string;
  icon?: string;
  subdomain: boolean;
  subdomain_name?: string;
  @ApiProperty({ enum: ['owner', 'authenticated', 'organization', 'public'] })
  sharing_level: string;
  @Type(() => Healthcheck)
  healthcheck: Healthcheck;
  @ApiProperty({ enum: ['disabled', 'initializing', 'healthy', 'unhealthy'] })
  health: string;
  group?: string;
  hidden: boolean;
  @ApiProperty({ enum: ['slim-window', 'tab'] })
  open_in: string;
  tooltip?: string;
  statuses: unknown[];
}

export class WorkspaceAgentScript {
  id: string;
  log_source_id: string;
  log_path: string;
  script: string;
  cron: string;
  run_on_start: boolean;
  run_on_stop: boolean;
  start_blocks_login: boolean;
  timeout: number;
  display_name: string;
}

export class WorkspaceAgentHealth {
  healthy: boolean;
  reason?: string;
}

export class WorkspaceAgent {
  id: string;
  created_at: string;
  updated_at: string;
  first_connected_at?: string;
  last_connected_at?: string;
  disconnected_at?: string;
  started_at?: string;
  ready_at?: string;
  @ApiProperty({ enum: ['connecting', 'connected', 'disconnected', 'timeout'] })
  status: string;
  lifecycle_state: string;
  name: string;
  resource_id: string;
  instance_id?: string;
  architecture: string;
  environment_variables: Record<string, string>;
  operating_system: string;
  logs_length: number;
  logs_overflowed: boolean;
  directory?: string;
  expanded_directory?: string;
  version: string;
  api_version: string;
  @Type(() => WorkspaceApp)
  apps: WorkspaceApp[];
  connection_timeout_seconds: number;
  troubleshooting_url: string;
  subsystems: string[];
  @Type(() => WorkspaceAgentHealth)
  health: WorkspaceAgentHealth;
  display_apps: string[];
  log_sources: unknown[];
  @Type(() => WorkspaceAgentScript)
  scripts: WorkspaceAgentScript[];
  startup_script_behavior: string;
}

export class WorkspaceResource {
  id: string;
  created_at: string;
  job_id: string;
  @ApiProperty({ enum: ['start', 'stop', 'delete'] })
  workspace_transition: string;
  type: string;
  name: string;
  hide: boolean;
  icon: string;
  @Type(() => WorkspaceAgent)
  agents?: WorkspaceAgent[];
  @Type(() => WorkspaceResourceMetadata)
  metadata?: WorkspaceResourceMetadata[];
  daily_cost: number;
}
