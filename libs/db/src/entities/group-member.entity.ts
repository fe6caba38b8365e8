import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { GroupEntity } from './group.entity.js';
import { UserEntity } from './user.entity.js';

@Entity('group_members')
@Index('group_members_user_id_idx', ['userId'])
export class GroupMemberEntity {
  @PrimaryColumn({ name: 'group_id', type: 'uuid' }) groupId: string;
  @PrimaryColumn({ name: 'user_id', type: 'uuid' }) userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'group_members_user_id_fkey' })
  user?: Relation<UserEntity>;

  @ManyToOne(() => GroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'group_members_group_id_fkey' })
  group?: Relation<GroupEntity>;
}
