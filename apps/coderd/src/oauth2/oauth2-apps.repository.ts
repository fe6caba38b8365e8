import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { isoTimestamp } from '#db/sql.js';

export interface Oauth2AppRow {
  id: string;
  created_at: string;
  name: string;
  icon: string;
  callback_url: string;
  redirect_uris: string[];
  client_type: 'confidential' | 'public';
  dynamically_registered: boolean;
}

export interface Oauth2SecretRow {
  id: string;
  app_id: string;
  last_used_at: string | null;
  display_secret: string;
}

/** The app name index (unique in any case). */
export const APP_NAME_INDEX = 'oauth2_provider_apps_name_idx';

const APP_COLUMNS = `a.id, ${isoTimestamp('a.created_at')} AS created_at, a.name, a.icon, a.callback_url, a.redirect_uris, a.client_type, a.dynamically_registered`;

@Injectable()
export class Oauth2AppsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Apps by name; with `userId`, only those that user has authorized (holds a token of). */
  async list(userId?: string): Promise<Oauth2AppRow[]> {
    if (userId) {
      return this.ds.query(
        `SELECT ${APP_COLUMNS} FROM oauth2_provider_apps a WHERE EXISTS (SELECT 1 FROM oauth2_provider_app_tokens t WHERE t.app_id = a.id AND t.user_id = $1)
         ORDER BY lower(a.name), a.id`,
        [userId],
      );
    }
    return this.ds.query(`SELECT ${APP_COLUMNS} FROM oauth2_provider_apps a ORDER BY lower(a.name), a.id`);
  }

  async find(id: string): Promise<Oauth2AppRow | undefined> {
    return (await this.ds.query(`SELECT ${APP_COLUMNS} FROM oauth2_provider_apps a WHERE a.id = $1`, [id]))[0];
  }

  async insert(a: { id: string; name: string; icon: string; callbackUrl: string; redirectUris: string[] }): Promise<void> {
    await this.ds.query(`INSERT INTO oauth2_provider_apps (id, name, icon, callback_url, redirect_uris) VALUES ($1, $2, $3, $4, $5)`, [
      a.id,
      a.name,
      a.icon,
      a.callbackUrl,
      a.redirectUris,
    ]);
  }

  async update(id: string, a: { name: string; icon: string; callbackUrl: string; redirectUris: string[] }): Promise<void> {
    await this.ds.query(`UPDATE oauth2_provider_apps SET name = $2, icon = $3, callback_url = $4, redirect_uris = $5, updated_at = now() WHERE id = $1`, [
      id,
      a.name,
      a.icon,
      a.callbackUrl,
      a.redirectUris,
    ]);
  }

  /** Its secrets, codes and tokens go with it (cascades); the API keys of its tokens too. Answers those keys' ids. */
  async delete(id: string): Promise<string[]> {
    return this.ds.transaction(async (db) => {
      const [keys]: [{ id: string }[], number] = await db.query(
        `DELETE FROM api_keys WHERE id IN (SELECT api_key_id FROM oauth2_provider_app_tokens WHERE app_id = $1) RETURNING id`,
        [id],
      );
      await db.query(`DELETE FROM oauth2_provider_apps WHERE id = $1`, [id]);
      return keys.map((k) => k.id);
    });
  }

  async secrets(appId: string): Promise<Oauth2SecretRow[]> {
    return this.ds.query(
      `SELECT id, app_id, ${isoTimestamp('last_used_at')} AS last_used_at, display_secret FROM oauth2_provider_app_secrets WHERE app_id = $1 ORDER BY created_at, id`,
      [appId],
    );
  }

  async insertSecret(s: { id: string; appId: string; prefix: string; hashed: Buffer; display: string }): Promise<void> {
    await this.ds.query(`INSERT INTO oauth2_provider_app_secrets (id, app_id, secret_prefix, hashed_secret, display_secret) VALUES ($1, $2, $3, $4, $5)`, [
      s.id,
      s.appId,
      s.prefix,
      s.hashed,
      s.display,
    ]);
  }

  /**
   * Deletes a secret of the app; the tokens issued with it (and their API keys) go with it. Answers
   * those keys' ids, or undefined when the app has no such secret.
   */
  async deleteSecret(appId: string, secretId: string): Promise<string[] | undefined> {
    return this.ds.transaction(async (db) => {
      const [keys]: [{ id: string }[], number] = await db.query(
        `DELETE FROM api_keys WHERE id IN (SELECT api_key_id FROM oauth2_provider_app_tokens WHERE app_secret_id = $1 AND app_id = $2) RETURNING id`,
        [secretId, appId],
      );
      const [rows]: [unknown[], number] = await db.query(`DELETE FROM oauth2_provider_app_secrets WHERE id = $1 AND app_id = $2 RETURNING id`, [secretId, appId]);
      return rows.length > 0 ? keys.map((k) => k.id) : undefined;
    });
  }

}
