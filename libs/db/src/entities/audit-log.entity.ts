import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One audited change (Coder's audit_logs). Indexes ordered by time are created by the migration. */
@Entity('audit_logs')
@Index('audit_logs_time_id_idx', { synchronize: false })
@Index('audit_logs_user_time_idx', { synchronize: false })
@Index('audit_logs_organization_time_idx', { synchronize: false })
@Index('audit_logs_resource_type_time_idx', { synchronize: false })
@Index('audit_logs_resource_id_time_idx', { synchronize: false })
@Index('audit_logs_request_id_idx', ['requestId'])
export class AuditLogEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'timestamptz' }) time: Date;
  @Column({ name: 'user_id', type: 'uuid', nullable: true }) userId: string | null;
  @Column({ name: 'organization_id', type: 'uuid', nullable: true }) organizationId: string | null;
  @Column({ type: 'inet', nullable: true }) ip: string | null;
  @Column({ name: 'user_agent', type: 'text', default: '' }) userAgent: string;
  @Column({ name: 'resource_type', type: 'text' }) resourceType: string;
  @Column({ name: 'resource_id', type: 'uuid' }) resourceId: string;
  @Column({ name: 'resource_target', type: 'text' }) resourceTarget: string;
  @Column({ name: 'resource_icon', type: 'text', default: '' }) resourceIcon: string;
  @Column({ type: 'text' }) action: string;
  @Column({ type: 'jsonb', default: {} }) diff: Record<string, unknown>;
  @Column({ name: 'status_code', type: 'integer' }) statusCode: number;
  @Column({ name: 'additional_fields', type: 'jsonb', default: {} }) additionalFields: Record<string, unknown>;
  @Column({ name: 'request_id', type: 'uuid' }) requestId: string;
}
