import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique, type Relation } from 'typeorm';
import { OrganizationEntity } from './organization.entity.js';
import { ProvisionerJobEntity } from './provisioner-job.entity.js';
import { TemplateEntity } from './template.entity.js';
import { UserEntity } from './user.entity.js';

@Entity('template_versions')
@Unique('template_versions_template_id_name_key', ['templateId', 'name'])
@Index('template_versions_organization_id_idx', ['organizationId'])
@Index('template_versions_job_id_idx', ['jobId'], { unique: true })
export class TemplateVersionEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'template_id', type: 'uuid', nullable: true }) templateId: string | null;
  @Column({ name: 'organization_id', type: 'uuid' }) organizationId: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
  @Column({ type: 'varchar', length: 64 }) name: string;
  @Column({ type: 'text', default: '' }) readme: string;
  @Column({ name: 'job_id', type: 'uuid' }) jobId: string;
  @Column({ name: 'created_by', type: 'uuid' }) createdBy: string;
  @Column({ name: 'external_auth_providers', type: 'jsonb', default: [] }) externalAuthProviders: unknown[];
  @Column({ type: 'varchar', length: 1048576, default: '' }) message: string;
  @Column({ type: 'boolean', default: false }) archived: boolean;
  @Column({ name: 'source_example_id', type: 'text', nullable: true }) sourceExampleId: string | null;
  @Column({ name: 'has_ai_task', type: 'boolean', nullable: true }) hasAiTask: boolean | null;
  @Column({ name: 'has_external_agent', type: 'boolean', nullable: true }) hasExternalAgent: boolean | null;

  @ManyToOne(() => TemplateEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'template_id', foreignKeyConstraintName: 'template_versions_template_id_fkey' })
  template?: Relation<TemplateEntity>;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'template_versions_organization_id_fkey' })
  organization?: Relation<OrganizationEntity>;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'template_versions_created_by_fkey' })
  creator?: Relation<UserEntity>;

  @ManyToOne(() => ProvisionerJobEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id', foreignKeyConstraintName: 'template_versions_job_id_fkey' })
  job?: Relation<ProvisionerJobEntity>;
}
