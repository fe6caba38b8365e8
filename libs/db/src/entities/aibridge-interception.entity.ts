import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { UserEntity } from './user.entity.js';

@Entity('aibridge_interceptions')
@Index('aibridge_interceptions_started_id_idx', { synchronize: false })
@Index('aibridge_interceptions_initiator_started_idx', { synchronize: false })
@Index('aibridge_interceptions_provider_idx', ['provider'])
@Index('aibridge_interceptions_model_idx', ['model'])
@Index('aibridge_interceptions_client_idx', ['client'])
export class AibridgeInterceptionEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'initiator_id', type: 'uuid' }) initiatorId: string;
  @Column({ name: 'api_key_id', type: 'text', nullable: true }) apiKeyId: string | null;
  @Column({ type: 'text' }) provider: string;
  @Column({ name: 'provider_name', type: 'text', default: '' }) providerName: string;
  @Column({ type: 'text' }) model: string;
  @Column({ type: 'varchar', length: 64, default: 'Unknown' }) client: string;
  @Column({ name: 'user_agent', type: 'text', default: '' }) userAgent: string;
  @Column({ type: 'jsonb', default: {} }) metadata: Record<string, unknown>;
  @Column({ name: 'started_at', type: 'timestamptz' }) startedAt: Date;
  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true }) endedAt: Date | null;

  @ManyToOne(() => UserEntity, { onDelete: 'NO ACTION' })
  @JoinColumn({ name: 'initiator_id', foreignKeyConstraintName: 'aibridge_interceptions_initiator_id_fkey' })
  initiator?: Relation<UserEntity>;
}
