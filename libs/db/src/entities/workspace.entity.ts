import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { OrganizationEntity } from './organization.entity.js';
import { TemplateEntity } from './template.entity.js';
import { UserEntity } from './user.entity.js';

export const AUTOMATIC_UPDATES = ['always', 'never'] as const;
export type AutomaticUpdates = (typeof AUTOMATIC_UPDATES)[number];

@Entity('workspaces')
@Check('workspaces_group_acl_is_object', "jsonb_typeof(group_acl) = 'object'")
@Check('workspaces_user_acl_is_object', "jsonb_typeof(user_acl) = 'object'")
@Index('workspaces_owner_id_lower_idx', { synchronize: false })
@Index('workspaces_template_id_idx', { synchronize: false })
@Index('workspaces_organization_id_idx', { synchronize: false })
@Index('workspaces_list_order_idx', { synchronize: false })
export class WorkspaceEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
  @Column({ name: 'owner_id', type: 'uuid' }) ownerId: string;
  @Column({ name: 'organization_id', type: 'uuid' }) organizationId: string;
  @Column({ name: 'template_id', type: 'uuid' }) templateId: string;
  @Column({ type: 'boolean', default: false }) deleted: boolean;
  @Column({ type: 'varchar', length: 64 }) name: string;
  @Column({ name: 'autostart_schedule', type: 'text', nullable: true }) autostartSchedule: string | null;
  /** Nanoseconds, as in Coder. */
  @Column({ type: 'bigint', nullable: true }) ttl: string | null;
  @Column({ name: 'last_used_at', type: 'timestamptz', default: '0001-01-01 00:00:00+00' }) lastUsedAt: Date;
  @Column({ name: 'dormant_at', type: 'timestamptz', nullable: true }) dormantAt: Date | null;
  @Column({ name: 'deleting_at', type: 'timestamptz', nullable: true }) deletingAt: Date | null;
  @Column({ name: 'automatic_updates', type: 'enum', enum: AUTOMATIC_UPDATES, enumName: 'automatic_updates', default: 'never' })
  automaticUpdates: AutomaticUpdates;
  @Column({ type: 'boolean', default: false }) favorite: boolean;
  @Column({ name: 'next_start_at', type: 'timestamptz', nullable: true }) nextStartAt: Date | null;
  @Column({ name: 'group_acl', type: 'jsonb', default: {} }) groupAcl: Record<string, unknown>;
  @Column({ name: 'user_acl', type: 'jsonb', default: {} }) userAcl: Record<string, unknown>;
  /** The list's sort keys, kept by triggers (migration 1733100000000): lower(owner username), latest build a succeeded start. */
  @Column({ name: 'owner_sort', type: 'text', default: '' }) ownerSort: string;
  @Column({ name: 'latest_build_up', type: 'boolean', default: false }) latestBuildUp: boolean;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'owner_id', foreignKeyConstraintName: 'workspaces_owner_id_fkey' })
  owner?: Relation<UserEntity>;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'workspaces_organization_id_fkey' })
  organization?: Relation<OrganizationEntity>;

  @ManyToOne(() => TemplateEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'template_id', foreignKeyConstraintName: 'workspaces_template_id_fkey' })
  template?: Relation<TemplateEntity>;
}
