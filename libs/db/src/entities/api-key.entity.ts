import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { LOGIN_TYPES, UserEntity, type LoginType } from './user.entity.js';

@Entity('api_keys')
@Check('api_keys_allow_list_not_empty', 'cardinality(allow_list) > 0')
@Check('api_keys_id_length', 'length(id) = 10')
@Index('api_keys_user_id_idx', ['userId'])
@Index('api_keys_last_used_idx', { synchronize: false })
@Index('api_keys_user_token_name_idx', { synchronize: false })
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ name: 'hashed_secret', type: 'bytea' }) hashedSecret: Buffer;
  @Column({ name: 'user_id', type: 'uuid' }) userId: string;
  @Column({ name: 'last_used', type: 'timestamptz', default: '1970-01-01 00:00:00+00' }) lastUsed: Date;
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt: Date;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
  @Column({ name: 'login_type', type: 'enum', enum: LOGIN_TYPES, enumName: 'login_type' }) loginType: LoginType;
  @Column({ name: 'lifetime_seconds', type: 'bigint', default: 86400 }) lifetimeSeconds: string;
  @Column({ name: 'ip_address', type: 'inet', default: '0.0.0.0' }) ipAddress: string;
  @Column({ name: 'token_name', type: 'text', default: '' }) tokenName: string;
  @Column({ type: 'text', array: true, default: '{coder:all}' }) scopes: string[];
  @Column({ name: 'allow_list', type: 'text', array: true, default: '{*:*}' }) allowList: string[];

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'api_keys_user_id_fkey' })
  user?: Relation<UserEntity>;
}
