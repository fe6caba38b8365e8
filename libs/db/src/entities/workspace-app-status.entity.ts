import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { WorkspaceAgentEntity } from './workspace-agent.entity.js';
import { WorkspaceAppEntity } from './workspace-app.entity.js';
import { WorkspaceEntity } from './workspace.entity.js';

export const APP_STATUS_STATES = ['working', 'idle', 'complete', 'failure'] as const;
export type AppStatusState = (typeof APP_STATUS_STATES)[number];

/** What an app (an AI agent, usually) said it is doing; the latest one is a task's current state. */
@Entity('workspace_app_statuses')
@Index('workspace_app_statuses_app_id_created_at_idx', { synchronize: false })
export class WorkspaceAppStatusEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'agent_id', type: 'uuid' }) agentId: string;
  @Column({ name: 'app_id', type: 'uuid' }) appId: string;
  @Column({ name: 'workspace_id', type: 'uuid' }) workspaceId: string;
  @Column({ type: 'enum', enum: APP_STATUS_STATES, enumName: 'workspace_app_status_state' }) state: AppStatusState;
  @Column({ type: 'text' }) message: string;
  @Column({ type: 'text', nullable: true }) uri: string | null;

  @ManyToOne(() => WorkspaceAgentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'workspace_app_statuses_agent_id_fkey' })
  agent?: Relation<WorkspaceAgentEntity>;

  @ManyToOne(() => WorkspaceAppEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'app_id', foreignKeyConstraintName: 'workspace_app_statuses_app_id_fkey' })
  app?: Relation<WorkspaceAppEntity>;

  @ManyToOne(() => WorkspaceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'workspace_app_statuses_workspace_id_fkey' })
  workspace?: Relation<WorkspaceEntity>;
}
