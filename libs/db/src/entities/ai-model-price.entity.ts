import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/** What a model's tokens cost, in micros per million tokens. */
@Entity('ai_model_prices')
@Check(
  'ai_model_prices_non_negative',
  'input_micros_per_mtok >= 0 AND output_micros_per_mtok >= 0 AND cache_read_micros_per_mtok >= 0 AND cache_write_micros_per_mtok >= 0',
)
export class AiModelPriceEntity {
  @PrimaryColumn({ type: 'text' }) provider: string;
  @PrimaryColumn({ type: 'text' }) model: string;
  @Column({ name: 'input_micros_per_mtok', type: 'bigint' }) inputMicrosPerMtok: string;
  @Column({ name: 'output_micros_per_mtok', type: 'bigint' }) outputMicrosPerMtok: string;
  @Column({ name: 'cache_read_micros_per_mtok', type: 'bigint', default: 0 }) cacheReadMicrosPerMtok: string;
  @Column({ name: 'cache_write_micros_per_mtok', type: 'bigint', default: 0 }) cacheWriteMicrosPerMtok: string;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}
