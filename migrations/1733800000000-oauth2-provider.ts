import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Coder as an OAuth2 authorization server (Coder's oauth2_provider_* tables): apps (registered by
 * admins or dynamically), their client secrets, authorization codes and the tokens issued for them.
 * Secrets, codes, refresh tokens and registration tokens are kept as sha256, looked up by prefix.
 */
export class Oauth2Provider1733800000000 implements MigrationInterface {
  name = 'Oauth2Provider1733800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE oauth2_provider_apps (
        id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        name varchar(64) NOT NULL,
        icon varchar(256) NOT NULL DEFAULT '',
        callback_url text NOT NULL,
        redirect_uris text[] NOT NULL DEFAULT '{}',
        client_type text NOT NULL DEFAULT 'confidential',
        dynamically_registered boolean NOT NULL DEFAULT false,
        grant_types text[] NOT NULL DEFAULT '{authorization_code,refresh_token}',
        response_types text[] NOT NULL DEFAULT '{code}',
        token_endpoint_auth_method text NOT NULL DEFAULT 'client_secret_post',
        scope text NOT NULL DEFAULT '',
        contacts text[] NOT NULL DEFAULT '{}',
        client_uri text,
        logo_uri text,
        tos_uri text,
        policy_uri text,
        software_id text,
        software_version text,
        hashed_registration_access_token bytea,
        CONSTRAINT oauth2_provider_apps_client_type_check CHECK (client_type IN ('confidential', 'public'))
      );
      CREATE UNIQUE INDEX oauth2_provider_apps_name_idx ON oauth2_provider_apps (lower(name));

      CREATE TABLE oauth2_provider_app_secrets (
        id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        app_id uuid NOT NULL REFERENCES oauth2_provider_apps(id) ON DELETE CASCADE,
        secret_prefix text NOT NULL,
        hashed_secret bytea NOT NULL,
        display_secret text NOT NULL,
        CONSTRAINT oauth2_provider_app_secrets_secret_prefix_key UNIQUE (secret_prefix)
      );
      CREATE INDEX oauth2_provider_app_secrets_app_id_idx ON oauth2_provider_app_secrets (app_id);

      CREATE TABLE oauth2_provider_app_codes (
        id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        secret_prefix text NOT NULL,
        hashed_secret bytea NOT NULL,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        app_id uuid NOT NULL REFERENCES oauth2_provider_apps(id) ON DELETE CASCADE,
        redirect_uri text NOT NULL,
        resource_uri text,
        code_challenge text,
        code_challenge_method text,
        state_hash text,
        scope text NOT NULL DEFAULT '',
        CONSTRAINT oauth2_provider_app_codes_secret_prefix_key UNIQUE (secret_prefix)
      );
      CREATE INDEX oauth2_provider_app_codes_app_id_user_id_idx ON oauth2_provider_app_codes (app_id, user_id);

      CREATE TABLE oauth2_provider_app_tokens (
        id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        refresh_prefix text NOT NULL,
        refresh_hash bytea NOT NULL,
        app_secret_id uuid REFERENCES oauth2_provider_app_secrets(id) ON DELETE CASCADE,
        api_key_id text NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        app_id uuid NOT NULL REFERENCES oauth2_provider_apps(id) ON DELETE CASCADE,
        audience text,
        scope text NOT NULL DEFAULT '',
        -- Every refresh token descends from one code: reusing a rotated one revokes the whole family.
        family_id uuid NOT NULL,
        CONSTRAINT oauth2_provider_app_tokens_refresh_prefix_key UNIQUE (refresh_prefix)
      );
      CREATE INDEX oauth2_provider_app_tokens_app_id_user_id_idx ON oauth2_provider_app_tokens (app_id, user_id);
      CREATE INDEX oauth2_provider_app_tokens_family_id_idx ON oauth2_provider_app_tokens (family_id);
      CREATE INDEX oauth2_provider_app_tokens_api_key_id_idx ON oauth2_provider_app_tokens (api_key_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE oauth2_provider_app_tokens;
      DROP TABLE oauth2_provider_app_codes;
      DROP TABLE oauth2_provider_app_secrets;
      DROP TABLE oauth2_provider_apps;
    `);
  }
}
