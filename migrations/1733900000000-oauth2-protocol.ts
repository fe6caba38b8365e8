import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the OAuth2 protocol endpoints need beyond the tables:
 * - a refresh token that was rotated is kept (marked `rotated_at`, without an API key of its own)
 *   so that presenting it again is recognised as reuse and revokes the family; a live one has a key;
 * - apps known by a Client ID Metadata Document are keyed by that document's URL.
 */
export class Oauth2Protocol1733900000000 implements MigrationInterface {
  name = 'Oauth2Protocol1733900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE oauth2_provider_app_tokens ADD COLUMN rotated_at timestamptz;
      ALTER TABLE oauth2_provider_app_tokens ALTER COLUMN api_key_id DROP NOT NULL;
      ALTER TABLE oauth2_provider_app_tokens ADD CONSTRAINT oauth2_provider_app_tokens_live_key_check CHECK (rotated_at IS NOT NULL OR api_key_id IS NOT NULL);
      ALTER TABLE oauth2_provider_apps ADD COLUMN client_id_metadata_url text;
      ALTER TABLE oauth2_provider_apps ADD COLUMN metadata_fetched_at timestamptz;
      ALTER TABLE oauth2_provider_apps ADD CONSTRAINT oauth2_provider_apps_client_id_metadata_url_key UNIQUE (client_id_metadata_url);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE oauth2_provider_apps DROP CONSTRAINT oauth2_provider_apps_client_id_metadata_url_key;
      ALTER TABLE oauth2_provider_apps DROP COLUMN metadata_fetched_at;
      ALTER TABLE oauth2_provider_apps DROP COLUMN client_id_metadata_url;
      DELETE FROM oauth2_provider_app_tokens WHERE api_key_id IS NULL;
      ALTER TABLE oauth2_provider_app_tokens DROP CONSTRAINT oauth2_provider_app_tokens_live_key_check;
      ALTER TABLE oauth2_provider_app_tokens ALTER COLUMN api_key_id SET NOT NULL;
      ALTER TABLE oauth2_provider_app_tokens DROP COLUMN rotated_at;
    `);
  }
}
