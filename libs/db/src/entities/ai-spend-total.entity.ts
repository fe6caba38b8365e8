import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { UserEntity } from './user.entity.js';

/** A user's AI spend in one budget period, kept up to date with each recorded usage. */
@Entity('ai_spend_totals')
export class AiSpendTotalEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' }) userId: string;
  @PrimaryColumn({ name: 'period_start', type: 'timestamptz' }) periodStart: Date;
  @Column({ name: 'spend_micros', type: 'bigint', default: 0 }) spendMicros: string;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'ai_spend_totals_user_id_fkey' })
  user?: Relation<UserEntity>;
}
