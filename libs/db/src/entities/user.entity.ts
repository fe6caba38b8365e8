import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const USER_STATUSES = ['active', 'suspended', 'dormant'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];
export const LOGIN_TYPES = ['password', 'github', 'oidc', 'token', 'none', 'oauth2_provider_app'] as const;
export type LoginType = (typeof LOGIN_TYPES)[number];

@Entity('users')
@Check('users_username_length', 'length(username) BETWEEN 1 AND 32')
@Check('users_service_account_email', "(is_service_account) = (email = '')")
@Check('users_service_account_login_type', "NOT is_service_account OR login_type = 'none'")
@Index('users_username_lower_idx', { synchronize: false })
@Index('users_email_lower_idx', { synchronize: false })
@Index('users_created_at_idx', ['createdAt'])
export class UserEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'text' }) email: string;
  @Column({ type: 'text' }) username: string;
  @Column({ type: 'text', default: '' }) name: string;
  @Column({ name: 'hashed_password', type: 'text', default: '' }) hashedPassword: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
  @Column({ type: 'enum', enum: USER_STATUSES, enumName: 'user_status', default: 'dormant' }) status: UserStatus;
  @Column({ name: 'rbac_roles', type: 'text', array: true, default: '{}' }) rbacRoles: string[];
  @Column({ name: 'login_type', type: 'enum', enum: LOGIN_TYPES, enumName: 'login_type', default: 'password' })
  loginType: LoginType;
  @Column({ name: 'avatar_url', type: 'text', default: '' }) avatarUrl: string;
  @Column({ type: 'boolean', default: false }) deleted: boolean;
  @Column({ name: 'last_seen_at', type: 'timestamptz', default: '0001-01-01 00:00:00+00' }) lastSeenAt: Date;
  @Column({ name: 'theme_preference', type: 'text', default: '' }) themePreference: string;
  @Column({ name: 'github_com_user_id', type: 'bigint', nullable: true }) githubComUserId: string | null;
  @Column({ name: 'is_system', type: 'boolean', default: false }) isSystem: boolean;
  @Column({ name: 'is_service_account', type: 'boolean', default: false }) isServiceAccount: boolean;
}
