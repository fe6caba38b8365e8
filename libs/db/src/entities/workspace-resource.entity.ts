import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { ProvisionerJobEntity } from './provisioner-job.entity.js';
import { WORKSPACE_TRANSITIONS, type WorkspaceTransition } from './workspace-build.entity.js';

@Entity('workspace_resources')
@Index('workspace_resources_job_id_idx', ['jobId'])
export class WorkspaceResourceEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'job_id', type: 'uuid' }) jobId: string;
  @Column({ type: 'enum', enum: WORKSPACE_TRANSITIONS, enumName: 'workspace_transition' }) transition: WorkspaceTransition;
  @Column({ type: 'varchar', length: 192 }) type: string;
  @Column({ type: 'varchar', length: 64 }) name: string;
  @Column({ type: 'boolean', default: false }) hide: boolean;
  @Column({ type: 'varchar', length: 256, default: '' }) icon: string;
  @Column({ name: 'instance_type', type: 'varchar', length: 256, nullable: true }) instanceType: string | null;
  @Column({ name: 'daily_cost', type: 'integer', default: 0 }) dailyCost: number;
  @Column({ name: 'module_path', type: 'text', nullable: true }) modulePath: string | null;

  @ManyToOne(() => ProvisionerJobEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id', foreignKeyConstraintName: 'workspace_resources_job_id_fkey' })
  job?: Relation<ProvisionerJobEntity>;
}
