import { Check, Column, Entity, JoinColumn, OneToOne, PrimaryColumn, type Relation } from 'typeorm';
import { UserEntity } from './user.entity.js';

/** A user holds an AI seat from their first AI use (Coder's ai_seat_state). */
@Entity('ai_seat_state')
@Check('ai_seat_state_last_event_type_check', `last_event_type IN ('aibridge', 'task')`)
export class AiSeatStateEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' }) userId: string;
  @Column({ name: 'first_used_at', type: 'timestamptz' }) firstUsedAt: Date;
  @Column({ name: 'last_used_at', type: 'timestamptz' }) lastUsedAt: Date;
  @Column({ name: 'last_event_type', type: 'text' }) lastEventType: string;
  @Column({ name: 'last_event_description', type: 'text', default: '' }) lastEventDescription: string;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;

  @OneToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'ai_seat_state_user_id_fkey' })
  user?: Relation<UserEntity>;
}
