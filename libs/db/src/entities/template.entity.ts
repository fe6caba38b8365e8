import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { OrganizationEntity } from './organization.entity.js';
import { PROVISIONER_TYPES, type ProvisionerType } from './provisioner-job.entity.js';
import { UserEntity } from './user.entity.js';

export const APP_SHARING_LEVELS = ['owner', 'authenticated', 'organization', 'public'] as const;
export type AppSharingLevel = (typeof APP_SHARING_LEVELS)[number];

@Entity('templates')
@Check('templates_user_acl_is_object', "jsonb_typeof(user_acl) = 'object'")
@Check('templates_group_acl_is_object', "jsonb_typeof(group_acl) = 'object'")
@Index('templates_organization_id_name_idx', { synchronize: false })
export class TemplateEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
  @Column({ name: 'organization_id', type: 'uuid' }) organizationId: string;
  @Column({ type: 'boolean', default: false }) deleted: boolean;
  @Column({ type: 'varchar', length: 64 }) name: string;
  @Column({ type: 'enum', enum: PROVISIONER_TYPES, enumName: 'provisioner_type' }) provisioner: ProvisionerType;
  @Column({ name: 'active_version_id', type: 'uuid' }) activeVersionId: string;
  @Column({ type: 'varchar', length: 128, default: '' }) description: string;
  /** Durations are nanoseconds, as in Coder. */
  @Column({ name: 'default_ttl', type: 'bigint', default: 604800000000000 }) defaultTtl: string;
  @Column({ name: 'activity_bump', type: 'bigint', default: 3600000000000 }) activityBump: string;
  @Column({ name: 'failure_ttl', type: 'bigint', default: 0 }) failureTtl: string;
  @Column({ name: 'time_til_dormant', type: 'bigint', default: 0 }) timeTilDormant: string;
  @Column({ name: 'time_til_dormant_autodelete', type: 'bigint', default: 0 }) timeTilDormantAutodelete: string;
  @Column({ name: 'time_til_autostop_notify', type: 'bigint', default: 0 }) timeTilAutostopNotify: string;
  @Column({ name: 'autostop_requirement_days_of_week', type: 'smallint', default: 0 })
  autostopRequirementDaysOfWeek: number;
  @Column({ name: 'autostop_requirement_weeks', type: 'bigint', default: 1 }) autostopRequirementWeeks: string;
  @Column({ name: 'autostart_block_days_of_week', type: 'smallint', default: 0 }) autostartBlockDaysOfWeek: number;
  @Column({ name: 'created_by', type: 'uuid' }) createdBy: string;
  @Column({ type: 'varchar', length: 256, default: '' }) icon: string;
  @Column({ name: 'display_name', type: 'varchar', length: 64, default: '' }) displayName: string;
  @Column({ name: 'allow_user_cancel_workspace_jobs', type: 'boolean', default: true })
  allowUserCancelWorkspaceJobs: boolean;
  @Column({ name: 'allow_user_autostart', type: 'boolean', default: true }) allowUserAutostart: boolean;
  @Column({ name: 'allow_user_autostop', type: 'boolean', default: true }) allowUserAutostop: boolean;
  @Column({ name: 'require_active_version', type: 'boolean', default: false }) requireActiveVersion: boolean;
  @Column({ name: 'use_classic_parameter_flow', type: 'boolean', default: false }) useClassicParameterFlow: boolean;
  @Column({ name: 'disable_module_cache', type: 'boolean', default: false }) disableModuleCache: boolean;
  @Column({ type: 'text', default: '' }) deprecated: string;
  @Column({ name: 'max_port_sharing_level', type: 'enum', enum: APP_SHARING_LEVELS, enumName: 'app_sharing_level', default: 'owner' })
  maxPortSharingLevel: AppSharingLevel;
  @Column({ name: 'cors_behavior', type: 'text', default: 'simple' }) corsBehavior: string;
  @Column({ name: 'user_acl', type: 'jsonb', default: {} }) userAcl: Record<string, unknown>;
  @Column({ name: 'group_acl', type: 'jsonb', default: {} }) groupAcl: Record<string, unknown>;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'templates_organization_id_fkey' })
  organization?: Relation<OrganizationEntity>;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'templates_created_by_fkey' })
  creator?: Relation<UserEntity>;
}
