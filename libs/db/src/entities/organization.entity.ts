import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('organizations')
@Index('organizations_name_lower_idx', { synchronize: false })
@Index('organizations_single_default_idx', { synchronize: false })
export class OrganizationEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'text' }) name: string;
  @Column({ name: 'display_name', type: 'text' }) displayName: string;
  @Column({ type: 'text', default: '' }) description: string;
  @Column({ type: 'text', default: '' }) icon: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
  @Column({ name: 'is_default', type: 'boolean', default: false }) isDefault: boolean;
  @Column({ type: 'boolean', default: false }) deleted: boolean;
}
