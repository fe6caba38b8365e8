import { Check, Column, Entity, JoinColumn, OneToOne, PrimaryColumn, type Relation } from 'typeorm';
import { GroupEntity } from './group.entity.js';

/** A group's AI budget per member and period; no row means no budget. */
@Entity('group_ai_budgets')
@Check('group_ai_budgets_spend_limit_micros_check', 'spend_limit_micros >= 0')
export class GroupAiBudgetEntity {
  @PrimaryColumn({ name: 'group_id', type: 'uuid' }) groupId: string;
  @Column({ name: 'spend_limit_micros', type: 'bigint' }) spendLimitMicros: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;

  @OneToOne(() => GroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'group_ai_budgets_group_id_fkey' })
  group?: Relation<GroupEntity>;
}
