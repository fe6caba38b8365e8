import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users, organizations, groups and API keys, following Coder's schema (coderd/database/dump.sql)
 * where it matters to behaviour: soft-deleted users, case-insensitive unique names, the Everyone
 * group as a view over organization members, and keys that die with their user.
 */
export class Init1732500000000 implements MigrationInterface {
  name = 'Init1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TYPE user_status AS ENUM ('active', 'suspended', 'dormant');
      CREATE TYPE login_type AS ENUM ('password', 'github', 'oidc', 'token', 'none', 'oauth2_provider_app');
      CREATE TYPE group_source AS ENUM ('user', 'oidc');

      CREATE TABLE site_configs (
        key varchar(256) PRIMARY KEY,
        value text NOT NULL
      );

      CREATE TABLE users (
        id uuid PRIMARY KEY,
        email text NOT NULL,
        username text NOT NULL,
        name text NOT NULL DEFAULT '',
        hashed_password text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        status user_status NOT NULL DEFAULT 'dormant',
        rbac_roles text[] NOT NULL DEFAULT '{}',
        login_type login_type NOT NULL DEFAULT 'password',
        avatar_url text NOT NULL DEFAULT '',
        deleted boolean NOT NULL DEFAULT false,
        last_seen_at timestamptz NOT NULL DEFAULT '0001-01-01 00:00:00+00',
        theme_preference text NOT NULL DEFAULT '',
        github_com_user_id bigint,
        is_system boolean NOT NULL DEFAULT false,
        is_service_account boolean NOT NULL DEFAULT false,
        CONSTRAINT users_username_length CHECK (length(username) BETWEEN 1 AND 32),
        CONSTRAINT users_service_account_email CHECK ((is_service_account) = (email = '')),
        CONSTRAINT users_service_account_login_type CHECK (NOT is_service_account OR login_type = 'none')
      );
      CREATE UNIQUE INDEX users_username_lower_idx ON users (lower(username)) WHERE deleted = false;
      CREATE UNIQUE INDEX users_email_lower_idx ON users (lower(email)) WHERE deleted = false AND email <> '';
      CREATE INDEX users_created_at_idx ON users (created_at);

      CREATE TABLE organizations (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        display_name text NOT NULL,
        description text NOT NULL DEFAULT '',
        icon text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        is_default boolean NOT NULL DEFAULT false,
        deleted boolean NOT NULL DEFAULT false
      );
      CREATE UNIQUE INDEX organizations_name_lower_idx ON organizations (lower(name)) WHERE deleted = false;
      CREATE UNIQUE INDEX organizations_single_default_idx ON organizations (is_default) WHERE is_default = true;

      CREATE TABLE organization_members (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        roles text[] NOT NULL DEFAULT '{}',
        PRIMARY KEY (organization_id, user_id)
      );
      CREATE INDEX organization_members_user_id_idx ON organization_members (user_id, created_at);

      CREATE TABLE groups (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        display_name text NOT NULL DEFAULT '',
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        avatar_url text NOT NULL DEFAULT '',
        quota_allowance integer NOT NULL DEFAULT 0,
        source group_source NOT NULL DEFAULT 'user',
        CONSTRAINT groups_name_organization_id_key UNIQUE (name, organization_id)
      );

      CREATE TABLE group_members (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        PRIMARY KEY (group_id, user_id)
      );
      CREATE INDEX group_members_user_id_idx ON group_members (user_id);

      -- Leaving an organization takes the user out of that organization's groups.
      CREATE FUNCTION remove_organization_member_groups() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM group_members gm USING groups g
        WHERE gm.group_id = g.id AND g.organization_id = OLD.organization_id AND gm.user_id = OLD.user_id;
        RETURN OLD;
      END $$;
      CREATE TRIGGER trigger_remove_organization_member_groups
        BEFORE DELETE ON organization_members
        FOR EACH ROW EXECUTE FUNCTION remove_organization_member_groups();

      -- The Everyone group (id = organization id) is every member of the organization. UNION ALL
      -- (the two sides never overlap: nobody is stored as a member of Everyone) and group_id taken
      -- from the union itself let a filter on group_id reach each side's index instead of expanding
      -- every membership first.
      CREATE VIEW group_members_expanded AS
      WITH all_members AS (
        SELECT gm.user_id, gm.group_id FROM group_members gm
        UNION ALL
        SELECT om.user_id, om.organization_id AS group_id FROM organization_members om
      )
      SELECT u.id AS user_id, u.email AS user_email, u.username AS user_username, u.name AS user_name,
             u.avatar_url AS user_avatar_url, u.status AS user_status, u.login_type AS user_login_type,
             u.created_at AS user_created_at, u.updated_at AS user_updated_at,
             u.last_seen_at AS user_last_seen_at, u.is_system AS user_is_system,
             u.is_service_account AS user_is_service_account,
             g.organization_id, g.name AS group_name, m.group_id
      FROM all_members m
      JOIN users u ON u.id = m.user_id AND u.deleted = false
      JOIN groups g ON g.id = m.group_id;

      CREATE TABLE api_keys (
        id text PRIMARY KEY,
        hashed_secret bytea NOT NULL,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        last_used timestamptz NOT NULL DEFAULT '1970-01-01 00:00:00+00',
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        login_type login_type NOT NULL,
        lifetime_seconds bigint NOT NULL DEFAULT 86400,
        ip_address inet NOT NULL DEFAULT '0.0.0.0',
        token_name text NOT NULL DEFAULT '',
        scopes text[] NOT NULL DEFAULT '{coder:all}',
        allow_list text[] NOT NULL DEFAULT '{*:*}',
        CONSTRAINT api_keys_allow_list_not_empty CHECK (cardinality(allow_list) > 0),
        CONSTRAINT api_keys_id_length CHECK (length(id) = 10)
      );
      CREATE INDEX api_keys_user_id_idx ON api_keys (user_id);
      CREATE INDEX api_keys_last_used_idx ON api_keys (last_used DESC);
      CREATE UNIQUE INDEX api_keys_user_token_name_idx ON api_keys (user_id, token_name) WHERE login_type = 'token';

      -- A deleted user's keys stop working at once; no key can be minted for a deleted user.
      CREATE FUNCTION delete_deleted_user_api_keys() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.deleted AND NOT OLD.deleted THEN
          DELETE FROM api_keys WHERE user_id = NEW.id;
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER trigger_delete_deleted_user_api_keys
        AFTER UPDATE OF deleted ON users
        FOR EACH ROW EXECUTE FUNCTION delete_deleted_user_api_keys();

      CREATE FUNCTION refuse_api_key_for_deleted_user() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id AND deleted) THEN
          RAISE EXCEPTION 'Cannot create API key for deleted user' USING ERRCODE = 'check_violation',
            CONSTRAINT = 'api_keys_user_not_deleted';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER trigger_refuse_api_key_for_deleted_user
        BEFORE INSERT ON api_keys
        FOR EACH ROW EXECUTE FUNCTION refuse_api_key_for_deleted_user();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE api_keys;
      DROP FUNCTION delete_deleted_user_api_keys() CASCADE;
      DROP FUNCTION refuse_api_key_for_deleted_user() CASCADE;
      DROP VIEW group_members_expanded;
      DROP TABLE group_members;
      DROP TABLE groups;
      DROP TABLE organization_members;
      DROP FUNCTION remove_organization_member_groups();
      DROP TABLE organizations;
      DROP TABLE users;
      DROP TABLE site_configs;
      DROP TYPE group_source;
      DROP TYPE login_type;
      DROP TYPE user_status;
    `);
  }
}
