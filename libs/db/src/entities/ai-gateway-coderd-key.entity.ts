import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Keys standalone AI Gateway daemons use to authenticate to coderd; only sha256 of the secret is kept. */
@Entity('ai_gateway_coderd_keys')
@Check('ai_gateway_coderd_keys_name_check', `name ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`)
@Check('ai_gateway_coderd_keys_secret_prefix_check', 'length(secret_prefix) = 11')
@Index('ai_gateway_coderd_keys_name_idx', { synchronize: false })
@Index('ai_gateway_coderd_keys_secret_prefix_idx', ['secretPrefix'], { unique: true })
@Index('ai_gateway_coderd_keys_hashed_secret_idx', ['hashedSecret'], { unique: true })
export class AiGatewayCoderdKeyEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ type: 'varchar', length: 64 }) name: string;
  @Column({ name: 'secret_prefix', type: 'varchar', length: 11 }) secretPrefix: string;
  @Column({ name: 'hashed_secret', type: 'bytea' }) hashedSecret: Buffer;
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true }) lastUsedAt: Date | null;
}
