import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { OrganizationEntity } from './organization.entity.js';
import { TemplateVersionEntity } from './template-version.entity.js';
import { UserEntity } from './user.entity.js';
import { WorkspaceEntity } from './workspace.entity.js';

/** An AI task: a prompt run by an AI agent in a workspace of an AI-task template (Coder's tasks). */
@Entity('tasks')
// (owner_id, lower(name)) WHERE deleted_at IS NULL: expression index, kept by the migration.
@Index('tasks_owner_id_name_idx', { synchronize: false })
@Index('tasks_workspace_id_idx', ['workspaceId'])
@Index('tasks_organization_id_created_at_idx', { synchronize: false })
export class TaskEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'organization_id', type: 'uuid' }) organizationId: string;
  @Column({ name: 'owner_id', type: 'uuid' }) ownerId: string;
  @Column({ type: 'varchar', length: 128 }) name: string;
  @Column({ name: 'display_name', type: 'varchar', length: 64, default: '' }) displayName: string;
  @Column({ name: 'workspace_id', type: 'uuid', nullable: true }) workspaceId: string | null;
  @Column({ name: 'template_version_id', type: 'uuid' }) templateVersionId: string;
  @Column({ name: 'template_parameters', type: 'jsonb', default: {} }) templateParameters: Record<string, string>;
  @Column({ type: 'text' }) prompt: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true }) deletedAt: Date | null;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'tasks_organization_id_fkey' })
  organization?: Relation<OrganizationEntity>;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_id', foreignKeyConstraintName: 'tasks_owner_id_fkey' })
  owner?: Relation<UserEntity>;

  @ManyToOne(() => WorkspaceEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'tasks_workspace_id_fkey' })
  workspace?: Relation<WorkspaceEntity>;

  @ManyToOne(() => TemplateVersionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'template_version_id', foreignKeyConstraintName: 'tasks_template_version_id_fkey' })
  templateVersion?: Relation<TemplateVersionEntity>;
}
