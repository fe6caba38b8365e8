import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Unique, type Relation } from 'typeorm';
import { OrganizationEntity } from './organization.entity.js';

export const GROUP_SOURCES = ['user', 'oidc'] as const;
export type GroupSource = (typeof GROUP_SOURCES)[number];

@Entity('groups')
@Unique('groups_name_organization_id_key', ['name', 'organizationId'])
export class GroupEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'text' }) name: string;
  @Column({ name: 'display_name', type: 'text', default: '' }) displayName: string;
  @Column({ name: 'organization_id', type: 'uuid' }) organizationId: string;
  @Column({ name: 'avatar_url', type: 'text', default: '' }) avatarUrl: string;
  @Column({ name: 'quota_allowance', type: 'integer', default: 0 }) quotaAllowance: number;
  @Column({ type: 'enum', enum: GROUP_SOURCES, enumName: 'group_source', default: 'user' }) source: GroupSource;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'groups_organization_id_fkey' })
  organization?: Relation<OrganizationEntity>;
}
