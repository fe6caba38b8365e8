import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { AibridgeInterceptionEntity } from './aibridge-interception.entity.js';

@Entity('aibridge_user_prompts')
@Index('aibridge_user_prompts_interception_id_idx', ['interceptionId'])
export class AibridgeUserPromptEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'interception_id', type: 'uuid' }) interceptionId: string;
  @Column({ name: 'provider_response_id', type: 'text' }) providerResponseId: string;
  @Column({ type: 'text' }) prompt: string;
  @Column({ type: 'jsonb', default: {} }) metadata: Record<string, unknown>;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;

  @ManyToOne(() => AibridgeInterceptionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'interception_id', foreignKeyConstraintName: 'aibridge_user_prompts_interception_id_fkey' })
  interception?: Relation<AibridgeInterceptionEntity>;
}
