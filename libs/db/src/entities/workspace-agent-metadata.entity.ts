import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { WorkspaceAgentEntity } from './workspace-agent.entity.js';

/** A metadata item the template declares for an agent, with the agent's latest result for it. */
@Entity('workspace_agent_metadata')
export class WorkspaceAgentMetadataEntity {
  @PrimaryColumn({ name: 'workspace_agent_id', type: 'uuid' }) workspaceAgentId: string;
  @PrimaryColumn({ type: 'varchar', length: 127 }) key: string;
  @Column({ name: 'display_name', type: 'varchar', length: 127 }) displayName: string;
  @Column({ type: 'text' }) script: string;
  @Column({ type: 'text', default: '' }) value: string;
  @Column({ type: 'text', default: '' }) error: string;
  /** Seconds. */
  @Column({ type: 'bigint' }) timeout: string;
  /** Seconds. */
  @Column({ type: 'bigint' }) interval: string;
  @Column({ name: 'collected_at', type: 'timestamptz', default: () => `'0001-01-01 00:00:00+00'` }) collectedAt: Date;
  @Column({ name: 'display_order', type: 'integer', default: 0 }) displayOrder: number;

  @ManyToOne(() => WorkspaceAgentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_agent_id', foreignKeyConstraintName: 'workspace_agent_metadata_workspace_agent_id_fkey' })
  agent?: Relation<WorkspaceAgentEntity>;
}
