import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { WorkspaceAgentEntity } from './workspace-agent.entity.js';

@Entity('workspace_agent_scripts')
@Index('workspace_agent_scripts_agent_id_idx', ['workspaceAgentId'])
export class WorkspaceAgentScriptEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'workspace_agent_id', type: 'uuid' }) workspaceAgentId: string;
  @Column({ name: 'log_source_id', type: 'uuid' }) logSourceId: string;
  @Column({ name: 'log_path', type: 'text', default: '' }) logPath: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ type: 'text' }) script: string;
  @Column({ type: 'text', default: '' }) cron: string;
  @Column({ name: 'start_blocks_login', type: 'boolean', default: false }) startBlocksLogin: boolean;
  @Column({ name: 'run_on_start', type: 'boolean', default: false }) runOnStart: boolean;
  @Column({ name: 'run_on_stop', type: 'boolean', default: false }) runOnStop: boolean;
  @Column({ name: 'timeout_seconds', type: 'integer', default: 0 }) timeoutSeconds: number;
  @Column({ name: 'display_name', type: 'text', default: '' }) displayName: string;

  @ManyToOne(() => WorkspaceAgentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_agent_id', foreignKeyConstraintName: 'workspace_agent_scripts_workspace_agent_id_fkey' })
  workspaceAgent?: Relation<WorkspaceAgentEntity>;
}
