import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { AibridgeInterceptionEntity } from './aibridge-interception.entity.js';

@Entity('aibridge_token_usages')
@Index('aibridge_token_usages_interception_id_idx', ['interceptionId'])
export class AibridgeTokenUsageEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'interception_id', type: 'uuid' }) interceptionId: string;
  @Column({ name: 'provider_response_id', type: 'text' }) providerResponseId: string;
  @Column({ name: 'input_tokens', type: 'bigint' }) inputTokens: string;
  @Column({ name: 'output_tokens', type: 'bigint' }) outputTokens: string;
  @Column({ name: 'cache_read_input_tokens', type: 'bigint', default: 0 }) cacheReadInputTokens: string;
  @Column({ name: 'cache_write_input_tokens', type: 'bigint', default: 0 }) cacheWriteInputTokens: string;
  @Column({ type: 'jsonb', default: {} }) metadata: Record<string, unknown>;
  /** What the usage cost when recorded (0 when the model had no price: see `priced`). */
  @Column({ name: 'cost_micros', type: 'bigint', default: 0 }) costMicros: string;
  @Column({ type: 'boolean', default: false }) priced: boolean;
  /** The group whose budget the spend counted against; kept after the group is gone. */
  @Column({ name: 'effective_group_id', type: 'uuid', nullable: true }) effectiveGroupId: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;

  @ManyToOne(() => AibridgeInterceptionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'interception_id', foreignKeyConstraintName: 'aibridge_token_usages_interception_id_fkey' })
  interception?: Relation<AibridgeInterceptionEntity>;
}
