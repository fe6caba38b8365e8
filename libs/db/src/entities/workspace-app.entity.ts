import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Unique, type Relation } from 'typeorm';
import { APP_SHARING_LEVELS, type AppSharingLevel } from './template.entity.js';
import { WorkspaceAgentEntity } from './workspace-agent.entity.js';

export const WORKSPACE_APP_HEALTHS = ['disabled', 'initializing', 'healthy', 'unhealthy'] as const;
export type WorkspaceAppHealth = (typeof WORKSPACE_APP_HEALTHS)[number];

@Entity('workspace_apps')
@Unique('workspace_apps_agent_id_slug_key', ['agentId', 'slug'])
export class WorkspaceAppEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'agent_id', type: 'uuid' }) agentId: string;
  @Column({ type: 'text' }) slug: string;
  @Column({ name: 'display_name', type: 'varchar', length: 64, default: '' }) displayName: string;
  @Column({ type: 'varchar', length: 256, default: '' }) icon: string;
  @Column({ type: 'varchar', length: 65534, nullable: true }) command: string | null;
  @Column({ type: 'varchar', length: 65534, nullable: true }) url: string | null;
  @Column({ name: 'healthcheck_url', type: 'text', default: '' }) healthcheckUrl: string;
  @Column({ name: 'healthcheck_interval', type: 'integer', default: 0 }) healthcheckInterval: number;
  @Column({ name: 'healthcheck_threshold', type: 'integer', default: 0 }) healthcheckThreshold: number;
  @Column({ type: 'enum', enum: WORKSPACE_APP_HEALTHS, enumName: 'workspace_app_health', default: 'disabled' })
  health: WorkspaceAppHealth;
  @Column({ type: 'boolean', default: false }) subdomain: boolean;
  @Column({ name: 'sharing_level', type: 'enum', enum: APP_SHARING_LEVELS, enumName: 'app_sharing_level', default: 'owner' })
  sharingLevel: AppSharingLevel;
  @Column({ type: 'boolean', default: false }) external: boolean;
  @Column({ name: 'display_order', type: 'integer', default: 0 }) displayOrder: number;
  @Column({ type: 'boolean', default: false }) hidden: boolean;
  @Column({ name: 'open_in', type: 'text', default: 'slim-window' }) openIn: string;
  @Column({ name: 'display_group', type: 'text', nullable: true }) displayGroup: string | null;
  @Column({ type: 'varchar', length: 2048, default: '' }) tooltip: string;

  @ManyToOne(() => WorkspaceAgentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'workspace_apps_agent_id_fkey' })
  agent?: Relation<WorkspaceAgentEntity>;
}
