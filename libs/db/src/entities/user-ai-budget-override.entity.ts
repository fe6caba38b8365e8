import { Check, Column, Entity, Index, JoinColumn, ManyToOne, OneToOne, PrimaryColumn, type Relation } from 'typeorm';
import { GroupEntity } from './group.entity.js';
import { UserEntity } from './user.entity.js';

/** A user's own AI budget, attributed to a group the user belongs to (the CHECK's function enforces it). */
@Entity('user_ai_budget_overrides')
@Check('user_ai_budget_overrides_spend_limit_micros_check', 'spend_limit_micros >= 0')
@Check('user_ai_budget_overrides_must_be_group_member', 'is_group_member(user_id, group_id)')
@Index('user_ai_budget_overrides_group_id_idx', ['groupId'])
export class UserAiBudgetOverrideEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' }) userId: string;
  @Column({ name: 'group_id', type: 'uuid' }) groupId: string;
  @Column({ name: 'spend_limit_micros', type: 'bigint' }) spendLimitMicros: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;

  @OneToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'user_ai_budget_overrides_user_id_fkey' })
  user?: Relation<UserEntity>;

  @ManyToOne(() => GroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'user_ai_budget_overrides_group_id_fkey' })
  group?: Relation<GroupEntity>;
}
