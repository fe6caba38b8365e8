// Audit and connection log shapes (codersdk/audit.go, codersdk/connectionlog.go).
import type { User } from './users.js';

export interface MinimalOrganization {
  id: string;
  name: string;
  display_name: string;
  icon: string;
}

export interface AuditDiffField {
  old?: unknown;
  new?: unknown;
  secret: boolean;
}

export interface AuditLog {
  id: string;
  request_id: string;
  time: string;
  ip: string;
  user_agent: string;
  resource_type: string;
  resource_id: string;
  resource_target: string;
  resource_icon: string;
  action: string;
  diff: Record<string, AuditDiffField>;
  status_code: number;
  additional_fields: Record<string, unknown>;
  description: string;
  resource_link: string;
  is_deleted: boolean;
  /** Deprecated by Coder in favour of `organization`; the nil UUID when none. */
  organization_id: string;
  organization?: MinimalOrganization;
  user: User | null;
}

export interface AuditLogResponse {
  audit_logs: AuditLog[];
  count: number;
  count_cap: number;
}

export interface ConnectionLogWebInfo {
  user_agent: string;
  user: User | null;
  slug_or_port: string;
  status_code: number;
}

export interface ConnectionLogSSHInfo {
  connection_id: string;
  disconnect_time?: string;
  disconnect_reason?: string;
  exit_code?: number;
}

export interface ConnectionLog {
  id: string;
  connect_time: string;
  organization: MinimalOrganization;
  workspace_owner_id: string;
  workspace_owner_username: string;
  workspace_id: string;
  workspace_name: string;
  agent_name: string;
  ip?: string;
  type: string;
  web_info?: ConnectionLogWebInfo;
  ssh_info?: ConnectionLogSSHInfo;
}

export interface ConnectionLogResponse {
  connection_logs: ConnectionLog[];
  count: number;
  count_cap: number;
}
