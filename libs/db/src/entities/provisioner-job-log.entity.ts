import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { ProvisionerJobEntity } from './provisioner-job.entity.js';

export const LOG_SOURCES = ['provisioner_daemon', 'provisioner'] as const;
export type LogSource = (typeof LOG_SOURCES)[number];
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

@Entity('provisioner_job_logs')
@Index('provisioner_job_logs_job_id_id_idx', ['jobId', 'id'])
export class ProvisionerJobLogEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'job_id', type: 'uuid' }) jobId: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'enum', enum: LOG_SOURCES, enumName: 'log_source' }) source: LogSource;
  @Column({ type: 'enum', enum: LOG_LEVELS, enumName: 'log_level' }) level: LogLevel;
  @Column({ type: 'varchar', length: 128 }) stage: string;
  @Column({ type: 'varchar', length: 1024 }) output: string;

  @ManyToOne(() => ProvisionerJobEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id', foreignKeyConstraintName: 'provisioner_job_logs_job_id_fkey' })
  job?: Relation<ProvisionerJobEntity>;
}
