import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { LOG_LEVELS, type LogLevel } from './provisioner-job-log.entity.js';
import { WorkspaceAgentEntity } from './workspace-agent.entity.js';

/** Where agent log lines come from: a script, or the agent itself (Coder's workspace_agent_log_sources). */
@Entity('workspace_agent_log_sources')
export class WorkspaceAgentLogSourceEntity {
  @PrimaryColumn({ name: 'workspace_agent_id', type: 'uuid' }) workspaceAgentId: string;
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'display_name', type: 'varchar', length: 127 }) displayName: string;
  @Column({ type: 'text', default: '' }) icon: string;

  @ManyToOne(() => WorkspaceAgentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_agent_id', foreignKeyConstraintName: 'workspace_agent_log_sources_workspace_agent_id_fkey' })
  agent?: Relation<WorkspaceAgentEntity>;
}

/** One line an agent logged (startup scripts and the agent's own), in arrival order. */
@Entity('workspace_agent_logs')
@Index('workspace_agent_logs_agent_id_id_idx', ['agentId', 'id'])
export class WorkspaceAgentLogEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'agent_id', type: 'uuid' }) agentId: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'varchar', length: 1024 }) output: string;
  @Column({ type: 'enum', enum: LOG_LEVELS, enumName: 'log_level', default: 'info' }) level: LogLevel;
  @Column({ name: 'log_source_id', type: 'uuid' }) logSourceId: string;

  @ManyToOne(() => WorkspaceAgentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'workspace_agent_logs_agent_id_fkey' })
  agent?: Relation<WorkspaceAgentEntity>;
}
