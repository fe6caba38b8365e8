import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the OAuth2 protocol endpoints need beyond the tables:
 * - a refresh token that was rotated is kept (marked `rotated_at`, pointing at its family's live
 *   API key) so that presenting it again is recognised as reuse and revokes the family;
 * - apps known by a Client ID Metadata Document are keyed by that document's URL.
 */
export class Oauth2Protocol1733900000000 implements MigrationInterface {
  name = 'Oauth2Protocol1733900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE oauth2_provider_app_tokens ADD COLUMN rotated_at timestamptz;
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
      ALTER TABLE oauth2_provider_app_tokens DROP COLUMN rotated_at;
    `);
  }
}
