import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';

export class ProvisionerJobInput {
  template_version_id?: string;
  workspace_build_id?: string;
  error?: string;
}

export class ProvisionerJobMetadata {
  template_version_name: string;
  template_id: string;
  template_name: string;
  template_display_name: string;
  template_icon: string;
  workspace_id?: string;
  workspace_name?: string;
}

export class ProvisionerJob {
  id: string;
  created_at: string;
  started_at?: string;
  completed_at?: string;
  canceled_at?: string;
  error?: string;
  error_code?: string;
  @ApiProperty({ enum: ['pending', 'running', 'succeeded', 'canceling', 'canceled', 'failed', 'unknown'] })
  status: string;
  worker_id?: string;
  worker_name?: string;
  file_id: string;
  tags: Record<string, string>;
  queue_position: number;
  queue_size: number;
  organization_id: string;
  initiator_id: string;
  @Type(() => ProvisionerJobInput)
  input: ProvisionerJobInput;
  @ApiProperty({ enum: ['template_version_import', 'workspace_build', 'template_version_dry_run'] })
  type: string;
  @Type(() => ProvisionerJobMetadata)
  metadata: ProvisionerJobMetadata;
  logs_overflowed: boolean;
}

export class ProvisionerJobLog {
  id: number;
  created_at: string;
  @ApiProperty({ enum: ['provisioner_daemon', 'provisioner'] })
  log_source: string;
  @ApiProperty({ enum: ['trace', 'debug', 'info', 'warn', 'error'] })
  log_level: string;
  stage: string;
  output: string;
}

export class ProvisionerDaemonJob {
  id: string;
  @ApiProperty({ enum: ['pending', 'running', 'succeeded', 'canceling', 'canceled', 'failed'] })
  status: string;
  template_name: string;
  template_icon: string;
  template_display_name: string;
}

export class ProvisionerDaemon {
  id: string;
  organization_id: string;
  key_id: string;
  created_at: string;
  last_seen_at?: string;
  name: string;
  version: string;
  api_version: string;
  provisioners: string[];
  tags: Record<string, string>;
  key_name: string;
  @ApiProperty({ enum: ['offline', 'idle', 'busy'] })
  status: string;
  @Type(() => ProvisionerDaemonJob)
  current_job: ProvisionerDaemonJob | null;
  @Type(() => ProvisionerDaemonJob)
  previous_job: ProvisionerDaemonJob | null;
}
