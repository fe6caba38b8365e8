import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { OrganizationEntity } from './organization.entity.js';

@Entity('provisioner_keys')
@Index('provisioner_keys_organization_id_name_idx', { synchronize: false })
@Index('provisioner_keys_hashed_secret_idx', { synchronize: false })
export class ProvisionerKeyEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'organization_id', type: 'uuid' }) organizationId: string;
  @Column({ type: 'varchar', length: 64 }) name: string;
  @Column({ name: 'hashed_secret', type: 'bytea' }) hashedSecret: Buffer;
  @Column({ type: 'jsonb', default: {} }) tags: Record<string, string>;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'provisioner_keys_organization_id_fkey' })
  organization?: Relation<OrganizationEntity>;
}
