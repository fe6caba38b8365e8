import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { OrganizationEntity } from './organization.entity.js';
import { PROVISIONER_TYPES, type ProvisionerType } from './provisioner-job.entity.js';
import { ProvisionerKeyEntity } from './provisioner-key.entity.js';

@Entity('provisioner_daemons')
@Index('provisioner_daemons_org_name_owner_idx', { synchronize: false })
export class ProvisionerDaemonEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ type: 'varchar', length: 64 }) name: string;
  @Column({ type: 'enum', enum: PROVISIONER_TYPES, enumName: 'provisioner_type', array: true }) provisioners: ProvisionerType[];
  @Column({ name: 'replica_id', type: 'uuid', nullable: true }) replicaId: string | null;
  @Column({ type: 'jsonb', default: {} }) tags: Record<string, string>;
  @Column({ name: 'last_seen_at', type: 'timestamptz', nullable: true }) lastSeenAt: Date | null;
  @Column({ type: 'text', default: '' }) version: string;
  @Column({ name: 'api_version', type: 'text', default: '1.0' }) apiVersion: string;
  @Column({ name: 'organization_id', type: 'uuid' }) organizationId: string;
  @Column({ name: 'key_id', type: 'uuid' }) keyId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'provisioner_daemons_organization_id_fkey' })
  organization?: Relation<OrganizationEntity>;

  @ManyToOne(() => ProvisionerKeyEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'key_id', foreignKeyConstraintName: 'provisioner_daemons_key_id_fkey' })
  key?: Relation<ProvisionerKeyEntity>;
}
