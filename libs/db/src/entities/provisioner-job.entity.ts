import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { JOB_STATUS_EXPRESSION } from '#migrations/1733000000000-workspaces.js';
import { OrganizationEntity } from './organization.entity.js';

export const PROVISIONER_TYPES = ['echo', 'terraform'] as const;
export type ProvisionerType = (typeof PROVISIONER_TYPES)[number];
export const PROVISIONER_STORAGE_METHODS = ['file'] as const;
export type ProvisionerStorageMethod = (typeof PROVISIONER_STORAGE_METHODS)[number];
export const PROVISIONER_JOB_TYPES = ['template_version_import', 'workspace_build', 'template_version_dry_run'] as const;
export type ProvisionerJobType = (typeof PROVISIONER_JOB_TYPES)[number];
export const PROVISIONER_JOB_STATUSES = ['pending', 'running', 'succeeded', 'canceling', 'canceled', 'failed', 'unknown'] as const;
export type ProvisionerJobStatus = (typeof PROVISIONER_JOB_STATUSES)[number];

@Entity('provisioner_jobs')
@Check('max_provisioner_logs_length', 'logs_length <= 1048576')
@Index('provisioner_jobs_pending_idx', { synchronize: false })
@Index('provisioner_jobs_status_idx', ['jobStatus'])
@Index('provisioner_jobs_worker_idx', { synchronize: false })
@Index('provisioner_jobs_organization_created_idx', { synchronize: false })
export class ProvisionerJobEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt: Date | null;
  @Column({ name: 'canceled_at', type: 'timestamptz', nullable: true }) canceledAt: Date | null;
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true }) completedAt: Date | null;
  @Column({ type: 'text', nullable: true }) error: string | null;
  @Column({ name: 'organization_id', type: 'uuid' }) organizationId: string;
  @Column({ name: 'initiator_id', type: 'uuid' }) initiatorId: string;
  @Column({ type: 'enum', enum: PROVISIONER_TYPES, enumName: 'provisioner_type' }) provisioner: ProvisionerType;
  @Column({ name: 'storage_method', type: 'enum', enum: PROVISIONER_STORAGE_METHODS, enumName: 'provisioner_storage_method' })
  storageMethod: ProvisionerStorageMethod;
  @Column({ type: 'enum', enum: PROVISIONER_JOB_TYPES, enumName: 'provisioner_job_type' }) type: ProvisionerJobType;
  @Column({ type: 'jsonb' }) input: Record<string, unknown>;
  @Column({ name: 'worker_id', type: 'uuid', nullable: true }) workerId: string | null;
  @Column({ name: 'file_id', type: 'uuid' }) fileId: string;
  @Column({ type: 'jsonb', default: { scope: 'organization' } }) tags: Record<string, string>;
  @Column({ name: 'error_code', type: 'text', nullable: true }) errorCode: string | null;
  @Column({ name: 'trace_metadata', type: 'jsonb', nullable: true }) traceMetadata: Record<string, unknown> | null;
  @Column({ name: 'logs_length', type: 'integer', default: 0 }) logsLength: number;
  @Column({ name: 'logs_overflowed', type: 'boolean', default: false }) logsOverflowed: boolean;
  /**
   * Derived by PostgreSQL from the timestamps and the error (GENERATED ALWAYS ... STORED), never written.
   * The column has no NOT NULL (hence nullable) but the expression always yields a status.
   */
  @Column({
    name: 'job_status',
    type: 'enum',
    enum: PROVISIONER_JOB_STATUSES,
    enumName: 'provisioner_job_status',
    generatedType: 'STORED',
    asExpression: JOB_STATUS_EXPRESSION,
    insert: false,
    update: false,
    nullable: true,
  })
  jobStatus: ProvisionerJobStatus;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'provisioner_jobs_organization_id_fkey' })
  organization?: Relation<OrganizationEntity>;
}
