import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import type * as sdk from '#sdk/logs.js';
import { AUDIT_ACTIONS, AUDIT_RESOURCE_TYPES } from '#coderd/audit/auditor.js';
import { CONNECTION_TYPES } from '#coderd/connectionlog/connection-logger.js';
import { User } from '#coderd/users/users.dto.js';

export class MinimalOrganization implements sdk.MinimalOrganization {
  id: string;
  name: string;
  display_name: string;
  icon: string;
}

export class AuditDiffField implements sdk.AuditDiffField {
  @ApiPropertyOptional({ description: 'The value before (blank when secret).' })
  old?: unknown;
  @ApiPropertyOptional({ description: 'The value after (blank when secret).' })
  new?: unknown;
  /** The field is a secret (a hash, a key): only that it changed is shown. */
  secret: boolean;
}

/** One audited change. */
export class AuditLog implements sdk.AuditLog {
  id: string;
  /** The request that made the change (its X-Coder-Request-Id); the nil UUID for background work. */
  request_id: string;
  time: string;
  /** The client's address; empty when unknown. */
  ip: string;
  user_agent: string;
  @ApiProperty({ enum: AUDIT_RESOURCE_TYPES })
  resource_type: string;
  resource_id: string;
  /** The resource's name when the change was made. */
  resource_target: string;
  resource_icon: string;
  @ApiProperty({ enum: AUDIT_ACTIONS })
  action: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'object', properties: { old: {}, new: {}, secret: { type: 'boolean' } }, required: ['secret'] },
    description: 'The changed fields: {field: {old, new, secret}}; a secret field shows only that it changed.',
  })
  diff: Record<string, AuditDiffField>;
  /** The answer's HTTP status; 4xx for an attempt that was refused. */
  status_code: number;
  @ApiProperty({ type: 'object', additionalProperties: true })
  additional_fields: Record<string, unknown>;
  /** Coder's sentence, with `{user}` and `{target}` left for the client to fill in. */
  description: string;
  /** Where the resource is shown in the web client; empty when it has no page or is gone. */
  resource_link: string;
  is_deleted: boolean;
  /** Deprecated: read `organization`. The nil UUID when the change belongs to no organization. */
  organization_id: string;
  @ApiPropertyOptional({ type: () => MinimalOrganization })
  organization?: MinimalOrganization;
  @ApiProperty({ type: () => User, nullable: true, description: 'Who acted; null when nobody is known.' })
  user: User | null;
}

export class AuditLogResponse implements sdk.AuditLogResponse {
  @Type(() => AuditLog)
  audit_logs: AuditLog[];
  /** Matching rows, counted up to count_cap + 1 (more than the cap reads as "count_cap+"). */
  count: number;
  count_cap: number;
}

export class ConnectionLogWebInfo implements sdk.ConnectionLogWebInfo {
  user_agent: string;
  @ApiProperty({ type: () => User, nullable: true })
  user: User | null;
  /** The app's slug, or the forwarded port. */
  slug_or_port: string;
  status_code: number;
}

export class ConnectionLogSSHInfo implements sdk.ConnectionLogSSHInfo {
  connection_id: string;
  /** Absent while the session is open. */
  disconnect_time?: string;
  disconnect_reason?: string;
  exit_code?: number;
}

/** One connection to a workspace. */
export class ConnectionLog implements sdk.ConnectionLog {
  id: string;
  connect_time: string;
  organization: MinimalOrganization;
  workspace_owner_id: string;
  workspace_owner_username: string;
  workspace_id: string;
  workspace_name: string;
  agent_name: string;
  ip?: string;
  @ApiProperty({ enum: CONNECTION_TYPES })
  type: string;
  /** Web requests (workspace_app, port_forwarding). */
  web_info?: ConnectionLogWebInfo;
  /** Agent sessions (ssh, vscode, jetbrains, reconnecting_pty). */
  ssh_info?: ConnectionLogSSHInfo;
}

export class ConnectionLogResponse implements sdk.ConnectionLogResponse {
  @Type(() => ConnectionLog)
  connection_logs: ConnectionLog[];
  count: number;
  count_cap: number;
}
