import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One stats report of an agent (Coder's workspace_agent_stats). A time series written in batches:
 * no foreign keys, so that an insert of thousands of rows checks nothing but its own indexes.
 */
@Entity('workspace_agent_stats')
@Index('workspace_agent_stats_created_at_idx', ['createdAt'])
@Index('workspace_agent_stats_agent_id_created_at_idx', ['agentId', 'createdAt'])
export class WorkspaceAgentStatEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'user_id', type: 'uuid' }) userId: string;
  @Column({ name: 'agent_id', type: 'uuid' }) agentId: string;
  @Column({ name: 'workspace_id', type: 'uuid' }) workspaceId: string;
  @Column({ name: 'template_id', type: 'uuid' }) templateId: string;
  @Column({ name: 'connections_by_proto', type: 'jsonb', default: {} }) connectionsByProto: Record<string, number>;
  @Column({ name: 'connection_count', type: 'bigint', default: 0 }) connectionCount: string;
  @Column({ name: 'rx_packets', type: 'bigint', default: 0 }) rxPackets: string;
  @Column({ name: 'rx_bytes', type: 'bigint', default: 0 }) rxBytes: string;
  @Column({ name: 'tx_packets', type: 'bigint', default: 0 }) txPackets: string;
  @Column({ name: 'tx_bytes', type: 'bigint', default: 0 }) txBytes: string;
  @Column({ name: 'connection_median_latency_ms', type: 'double precision', default: -1 }) connectionMedianLatencyMs: number;
  @Column({ name: 'session_count_vscode', type: 'bigint', default: 0 }) sessionCountVscode: string;
  @Column({ name: 'session_count_jetbrains', type: 'bigint', default: 0 }) sessionCountJetbrains: string;
  @Column({ name: 'session_count_reconnecting_pty', type: 'bigint', default: 0 }) sessionCountReconnectingPty: string;
  @Column({ name: 'session_count_ssh', type: 'bigint', default: 0 }) sessionCountSsh: string;
}
