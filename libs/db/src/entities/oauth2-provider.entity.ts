import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique, type Relation } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity.js';
import { UserEntity } from './user.entity.js';

/** An OAuth2 client of this deployment (Coder's oauth2_provider_apps), registered by an admin or dynamically (RFC 7591). */
@Entity('oauth2_provider_apps')
@Check('oauth2_provider_apps_client_type_check', `client_type IN ('confidential', 'public')`)
// lower(name): expression index, kept by the migration.
@Index('oauth2_provider_apps_name_idx', { synchronize: false })
@Unique('oauth2_provider_apps_client_id_metadata_url_key', ['clientIdMetadataUrl'])
export class Oauth2ProviderAppEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
  @Column({ type: 'varchar', length: 64 }) name: string;
  @Column({ type: 'varchar', length: 256, default: '' }) icon: string;
  @Column({ name: 'callback_url', type: 'text' }) callbackUrl: string;
  @Column({ name: 'redirect_uris', type: 'text', array: true, default: '{}' }) redirectUris: string[];
  @Column({ name: 'client_type', type: 'text', default: 'confidential' }) clientType: string;
  @Column({ name: 'dynamically_registered', type: 'boolean', default: false }) dynamicallyRegistered: boolean;
  @Column({ name: 'grant_types', type: 'text', array: true, default: '{authorization_code,refresh_token}' }) grantTypes: string[];
  @Column({ name: 'response_types', type: 'text', array: true, default: '{code}' }) responseTypes: string[];
  @Column({ name: 'token_endpoint_auth_method', type: 'text', default: 'client_secret_post' }) tokenEndpointAuthMethod: string;
  @Column({ type: 'text', default: '' }) scope: string;
  @Column({ type: 'text', array: true, default: '{}' }) contacts: string[];
  @Column({ name: 'client_uri', type: 'text', nullable: true }) clientUri: string | null;
  @Column({ name: 'logo_uri', type: 'text', nullable: true }) logoUri: string | null;
  @Column({ name: 'tos_uri', type: 'text', nullable: true }) tosUri: string | null;
  @Column({ name: 'policy_uri', type: 'text', nullable: true }) policyUri: string | null;
  @Column({ name: 'software_id', type: 'text', nullable: true }) softwareId: string | null;
  @Column({ name: 'software_version', type: 'text', nullable: true }) softwareVersion: string | null;
  @Column({ name: 'hashed_registration_access_token', type: 'bytea', nullable: true }) hashedRegistrationAccessToken: Buffer | null;
  /** Set for a client known by its Client ID Metadata Document: the URL that is its client_id. */
  @Column({ name: 'client_id_metadata_url', type: 'text', nullable: true }) clientIdMetadataUrl: string | null;
  @Column({ name: 'metadata_fetched_at', type: 'timestamptz', nullable: true }) metadataFetchedAt: Date | null;
}

/** A client secret, shown once: kept as its sha256 with its prefix for lookup and its last characters for display. */
@Entity('oauth2_provider_app_secrets')
@Unique('oauth2_provider_app_secrets_secret_prefix_key', ['secretPrefix'])
@Index('oauth2_provider_app_secrets_app_id_idx', ['appId'])
export class Oauth2ProviderAppSecretEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true }) lastUsedAt: Date | null;
  @Column({ name: 'app_id', type: 'uuid' }) appId: string;
  @Column({ name: 'secret_prefix', type: 'text' }) secretPrefix: string;
  @Column({ name: 'hashed_secret', type: 'bytea' }) hashedSecret: Buffer;
  @Column({ name: 'display_secret', type: 'text' }) displaySecret: string;

  @ManyToOne(() => Oauth2ProviderAppEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'app_id', foreignKeyConstraintName: 'oauth2_provider_app_secrets_app_id_fkey' })
  app?: Relation<Oauth2ProviderAppEntity>;
}

/** An authorization code: single use, ten minutes, bound to its redirect URI, PKCE challenge and resource. */
@Entity('oauth2_provider_app_codes')
@Unique('oauth2_provider_app_codes_secret_prefix_key', ['secretPrefix'])
@Index('oauth2_provider_app_codes_app_id_user_id_idx', ['appId', 'userId'])
export class Oauth2ProviderAppCodeEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt: Date;
  @Column({ name: 'secret_prefix', type: 'text' }) secretPrefix: string;
  @Column({ name: 'hashed_secret', type: 'bytea' }) hashedSecret: Buffer;
  @Column({ name: 'user_id', type: 'uuid' }) userId: string;
  @Column({ name: 'app_id', type: 'uuid' }) appId: string;
  @Column({ name: 'redirect_uri', type: 'text' }) redirectUri: string;
  @Column({ name: 'resource_uri', type: 'text', nullable: true }) resourceUri: string | null;
  @Column({ name: 'code_challenge', type: 'text', nullable: true }) codeChallenge: string | null;
  @Column({ name: 'code_challenge_method', type: 'text', nullable: true }) codeChallengeMethod: string | null;
  @Column({ name: 'state_hash', type: 'text', nullable: true }) stateHash: string | null;
  @Column({ type: 'text', default: '' }) scope: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'oauth2_provider_app_codes_user_id_fkey' })
  user?: Relation<UserEntity>;

  @ManyToOne(() => Oauth2ProviderAppEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'app_id', foreignKeyConstraintName: 'oauth2_provider_app_codes_app_id_fkey' })
  app?: Relation<Oauth2ProviderAppEntity>;
}

/** The refresh side of an issued token; the access token is an API key (login type oauth2_provider_app). */
@Entity('oauth2_provider_app_tokens')
@Unique('oauth2_provider_app_tokens_refresh_prefix_key', ['refreshPrefix'])
@Index('oauth2_provider_app_tokens_app_id_user_id_idx', ['appId', 'userId'])
@Index('oauth2_provider_app_tokens_family_id_idx', ['familyId'])
@Index('oauth2_provider_app_tokens_api_key_id_idx', ['apiKeyId'])
@Check('oauth2_provider_app_tokens_live_key_check', 'rotated_at IS NOT NULL OR api_key_id IS NOT NULL')
export class Oauth2ProviderAppTokenEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt: Date;
  @Column({ name: 'refresh_prefix', type: 'text' }) refreshPrefix: string;
  @Column({ name: 'refresh_hash', type: 'bytea' }) refreshHash: Buffer;
  @Column({ name: 'app_secret_id', type: 'uuid', nullable: true }) appSecretId: string | null;
  /** The access token's key; none once rotated. */
  @Column({ name: 'api_key_id', type: 'text', nullable: true }) apiKeyId: string | null;
  @Column({ name: 'user_id', type: 'uuid' }) userId: string;
  @Column({ name: 'app_id', type: 'uuid' }) appId: string;
  @Column({ type: 'text', nullable: true }) audience: string | null;
  @Column({ type: 'text', default: '' }) scope: string;
  /** Every refresh token descends from one code: reusing a rotated one revokes the whole family. */
  @Column({ name: 'family_id', type: 'uuid' }) familyId: string;
  /** Set once this refresh token was exchanged: kept (without a key) so that a reuse is recognised. */
  @Column({ name: 'rotated_at', type: 'timestamptz', nullable: true }) rotatedAt: Date | null;

  @ManyToOne(() => Oauth2ProviderAppSecretEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'app_secret_id', foreignKeyConstraintName: 'oauth2_provider_app_tokens_app_secret_id_fkey' })
  appSecret?: Relation<Oauth2ProviderAppSecretEntity>;

  @ManyToOne(() => ApiKeyEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'api_key_id', foreignKeyConstraintName: 'oauth2_provider_app_tokens_api_key_id_fkey' })
  apiKey?: Relation<ApiKeyEntity>;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'oauth2_provider_app_tokens_user_id_fkey' })
  user?: Relation<UserEntity>;

  @ManyToOne(() => Oauth2ProviderAppEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'app_id', foreignKeyConstraintName: 'oauth2_provider_app_tokens_app_id_fkey' })
  app?: Relation<Oauth2ProviderAppEntity>;
}
