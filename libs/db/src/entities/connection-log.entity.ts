import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

/**
 * One connection to a workspace (Coder's connection_logs): an agent session (ssh, vscode, jetbrains,
 * reconnecting_pty) joined from its connect and disconnect by connection id, or a web request.
 */
@Entity('connection_logs')
@Unique('connection_logs_connection_key', ['connectionId', 'workspaceId', 'agentName'])
@Index('connection_logs_connect_time_id_idx', { synchronize: false })
@Index('connection_logs_organization_time_idx', { synchronize: false })
@Index('connection_logs_owner_time_idx', { synchronize: false })
@Index('connection_logs_workspace_time_idx', { synchronize: false })
@Index('connection_logs_user_time_idx', { synchronize: false })
@Index('connection_logs_type_time_idx', { synchronize: false })
export class ConnectionLogEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'connect_time', type: 'timestamptz' }) connectTime: Date;
  @Column({ name: 'organization_id', type: 'uuid' }) organizationId: string;
  @Column({ name: 'workspace_owner_id', type: 'uuid' }) workspaceOwnerId: string;
  @Column({ name: 'workspace_id', type: 'uuid' }) workspaceId: string;
  @Column({ name: 'workspace_name', type: 'text' }) workspaceName: string;
  @Column({ name: 'agent_name', type: 'text' }) agentName: string;
  @Column({ type: 'text' }) type: string;
  @Column({ type: 'inet', nullable: true }) ip: string | null;
  @Column({ type: 'integer', nullable: true }) code: number | null;
  @Column({ name: 'user_agent', type: 'text', nullable: true }) userAgent: string | null;
  @Column({ name: 'user_id', type: 'uuid', nullable: true }) userId: string | null;
  @Column({ name: 'slug_or_port', type: 'text', nullable: true }) slugOrPort: string | null;
  @Column({ name: 'connection_id', type: 'uuid', nullable: true }) connectionId: string | null;
  @Column({ name: 'disconnect_time', type: 'timestamptz', nullable: true }) disconnectTime: Date | null;
  @Column({ name: 'disconnect_reason', type: 'text', nullable: true }) disconnectReason: string | null;
}
