import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { AibridgeInterceptionEntity } from './aibridge-interception.entity.js';

@Entity('aibridge_tool_usages')
@Index('aibridge_tool_usages_interception_id_idx', ['interceptionId'])
export class AibridgeToolUsageEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'interception_id', type: 'uuid' }) interceptionId: string;
  @Column({ name: 'provider_response_id', type: 'text' }) providerResponseId: string;
  @Column({ name: 'provider_tool_call_id', type: 'text', default: '' }) providerToolCallId: string;
  /** NULL for tools the client defined (all of them: no MCP injection here). */
  @Column({ name: 'server_url', type: 'text', nullable: true }) serverUrl: string | null;
  @Column({ type: 'text' }) tool: string;
  @Column({ type: 'text' }) input: string;
  @Column({ type: 'boolean', default: false }) injected: boolean;
  @Column({ name: 'invocation_error', type: 'text', nullable: true }) invocationError: string | null;
  @Column({ type: 'jsonb', default: {} }) metadata: Record<string, unknown>;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;

  @ManyToOne(() => AibridgeInterceptionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'interception_id', foreignKeyConstraintName: 'aibridge_tool_usages_interception_id_fkey' })
  interception?: Relation<AibridgeInterceptionEntity>;
}
