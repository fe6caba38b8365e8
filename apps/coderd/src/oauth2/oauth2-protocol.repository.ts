import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ApiKeysRepository, type InsertApiKey } from '../apikeys/apikeys.repository.js';

/** What the protocol endpoints need to know about a client. */
export interface ClientRow {
  id: string;
  name: string;
  icon: string;
  client_type: 'confidential' | 'public';
  redirect_uris: string[];
  grant_types: string[];
  scope: string;
  dynamically_registered: boolean;
}

export interface CodeRow {
  user_id: string;
  expires_at: Date;
  redirect_uri: string;
  resource_uri: string | null;
  code_challenge: string | null;
  scope: string;
}

export interface RefreshRow {
  id: string;
  refresh_hash: Buffer;
  app_id: string;
  user_id: string;
  /** Null once rotated. */
  api_key_id: string | null;
  app_secret_id: string | null;
  expires_at: Date;
  audience: string | null;
  scope: string;
  family_id: string;
  rotated_at: Date | null;
}

export interface NewCode {
  prefix: string;
  hashed: Buffer;
  userId: string;
  appId: string;
  redirectUri: string;
  resource: string | undefined;
  challenge: string | undefined;
  stateHash: string | undefined;
  scope: string;
  expiresAt: Date;
}

export interface NewToken {
  key: InsertApiKey;
  refreshPrefix: string;
  refreshHash: Buffer;
  appId: string;
  appSecretId: string | null;
  refreshExpiresAt: Date;
  audience: string | null;
  scope: string;
}

const CLIENT_COLUMNS = 'id, name, icon, client_type, redirect_uris, grant_types, scope, dynamically_registered';

/** SQL of the OAuth2 protocol: client and secret lookups, codes, and the tokens (API keys) issued. */
@Injectable()
export class Oauth2ProtocolRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly keys: ApiKeysRepository,
  ) {}

  async client(id: string): Promise<ClientRow | undefined> {
    return (await this.ds.query(`SELECT ${CLIENT_COLUMNS} FROM oauth2_provider_apps WHERE id = $1`, [id]))[0];
  }

  /** The client secret with this prefix, if it belongs to the app. */
  async secret(appId: string, prefix: string): Promise<{ id: string; hashed_secret: Buffer } | undefined> {
    return (await this.ds.query(`SELECT id, hashed_secret FROM oauth2_provider_app_secrets WHERE secret_prefix = $1 AND app_id = $2`, [prefix, appId]))[0];
  }

  /** A new code replaces the user's earlier codes for the app (Coder: one outstanding code per pair). */
  async insertCode(c: NewCode): Promise<void> {
    await this.ds.query(
      `WITH gone AS (DELETE FROM oauth2_provider_app_codes WHERE app_id = $5 AND user_id = $4)
       INSERT INTO oauth2_provider_app_codes (id, secret_prefix, hashed_secret, user_id, app_id, redirect_uri, resource_uri,
         code_challenge, code_challenge_method, state_hash, scope, expires_at)
       VALUES (gen_random_uuid(), $1, $2, $4, $5, $6, $7, $8, CASE WHEN $8::text IS NULL THEN NULL ELSE 'S256' END, $9, $10, $3)`,
      [c.prefix, c.hashed, c.expiresAt, c.userId, c.appId, c.redirectUri, c.resource ?? null, c.challenge ?? null, c.stateHash ?? null, c.scope],
    );
  }

  /** Single use: the code is deleted as it is read, so two exchanges cannot both get it. */
  async consumeCode(appId: string, prefix: string, hashed: Buffer): Promise<CodeRow | undefined> {
    const [rows]: [CodeRow[], number] = await this.ds.query(
      `DELETE FROM oauth2_provider_app_codes WHERE secret_prefix = $1 AND hashed_secret = $2 AND app_id = $3
       RETURNING user_id, expires_at, redirect_uri, resource_uri, code_challenge, scope`,
      [prefix, hashed, appId],
    );
    return rows[0];
  }

  /**
   * Issues an access token (an API key) and its refresh token for a code. One live token per user
   * and app: the previous one (and its whole family) goes, as in Coder. Answers the replaced key's id.
   */
  async issue(t: NewToken): Promise<string | undefined> {
    return this.ds.transaction(async (db) => {
      const [old]: [{ id: string }[], number] = await db.query(`DELETE FROM api_keys WHERE user_id = $1 AND token_name = $2 AND login_type = 'oauth2_provider_app' RETURNING id`, [
        t.key.userId,
        t.key.tokenName,
      ]);
      await this.insertToken(db, t, null);
      return old[0]?.id;
    });
  }

  /**
   * Rotation, in one statement (the token endpoint's hot path). The refresh token is claimed only if
   * it is live, matches, belongs to the client and (when asked) to the resource: a concurrent claim
   * of the same token waits on the row and then finds it rotated. The claimed row is kept, marked
   * rotated and without a key, so that presenting it again is recognised; its key is deleted and a
   * new key and refresh token join the family. Answers the retired key, or undefined when nothing
   * was claimed.
   */
  async rotate(r: { prefix: string; hash: Buffer; appId: string; resource: string | undefined; keyScopes: string[] | undefined; next: NewToken }): Promise<{ old_key_id: string; scopes: string[] } | undefined> {
    const k = r.next.key;
    const rows: { old_key_id: string; scopes: string[] }[] = await this.ds.query(
      `WITH claimed AS (
         UPDATE oauth2_provider_app_tokens t SET rotated_at = now(), api_key_id = NULL
         FROM (SELECT id, api_key_id AS old_key_id FROM oauth2_provider_app_tokens
               WHERE refresh_prefix = $1 AND refresh_hash = $2 AND app_id = $3 AND rotated_at IS NULL AND expires_at > now()
                 AND ($4::text IS NULL OR audience = $4)) o
         WHERE t.id = o.id AND t.rotated_at IS NULL
         RETURNING t.id, o.old_key_id, t.user_id, t.app_secret_id, t.audience, t.scope, t.family_id
       ), key AS (
         INSERT INTO api_keys (id, hashed_secret, user_id, expires_at, login_type, lifetime_seconds, ip_address, token_name, scopes, allow_list)
         SELECT $5, $6, c.user_id, $7, 'oauth2_provider_app', $8, $9, c.user_id || $10, COALESCE($11::text[], string_to_array(c.scope, ' ')), $12 FROM claimed c
         RETURNING id
       ), fresh AS (
         INSERT INTO oauth2_provider_app_tokens (id, expires_at, refresh_prefix, refresh_hash, app_secret_id, api_key_id, user_id, app_id, audience, scope, family_id)
         SELECT gen_random_uuid(), $13, $14, $15, COALESCE($16, c.app_secret_id), key.id, c.user_id, $3, c.audience, c.scope, c.family_id FROM claimed c, key
         RETURNING id
       ), gone AS (
         DELETE FROM api_keys k USING claimed c WHERE k.id = c.old_key_id RETURNING k.id
       ), touched AS (
         UPDATE oauth2_provider_app_secrets s SET last_used_at = now()
         WHERE s.id = $16 AND (s.last_used_at IS NULL OR s.last_used_at < now() - interval '1 minute') AND EXISTS (SELECT 1 FROM claimed)
         RETURNING s.id
       )
       SELECT c.old_key_id, COALESCE($11::text[], string_to_array(c.scope, ' ')) AS scopes FROM claimed c`,
      [
        r.prefix,
        r.hash,
        r.appId,
        r.resource ?? null,
        k.id,
        k.hashedSecret,
        k.expiresAt,
        k.lifetimeSeconds,
        k.ipAddress,
        // The user is the row's: the name is completed in SQL.
        k.tokenName.slice(k.tokenName.indexOf('_')),
        r.keyScopes ?? null,
        k.allowList,
        r.next.refreshExpiresAt,
        r.next.refreshPrefix,
        r.next.refreshHash,
        r.next.appSecretId,
      ],
    );
    return rows[0];
  }

  /** A refresh token by prefix, for telling apart why a rotation claimed nothing. */
  async findRefresh(prefix: string): Promise<RefreshRow | undefined> {
    return (
      await this.ds.query(
        `SELECT id, refresh_hash, app_id, user_id, api_key_id, app_secret_id, expires_at, audience, scope, family_id, rotated_at
         FROM oauth2_provider_app_tokens WHERE refresh_prefix = $1`,
        [prefix],
      )
    )[0];
  }

  /** Revokes a family: its live key goes, and with it (cascade) its live refresh token; rotated ones stay, keyless, to recognise reuse. */
  async revokeFamily(familyId: string): Promise<string[]> {
    const [rows]: [{ id: string }[], number] = await this.ds.query(
      `DELETE FROM api_keys WHERE id IN (SELECT api_key_id FROM oauth2_provider_app_tokens WHERE family_id = $1) RETURNING id`,
      [familyId],
    );
    return rows.map((r) => r.id);
  }

  /** The token row of an API key issued to an app (the live one of its family). */
  async tokenOfKey(apiKeyId: string): Promise<{ app_id: string; family_id: string } | undefined> {
    return (await this.ds.query(`SELECT app_id, family_id FROM oauth2_provider_app_tokens WHERE api_key_id = $1 AND rotated_at IS NULL`, [apiKeyId]))[0];
  }

  /** The user withdraws an app: its codes and tokens (their API keys) for that user go. Answers the keys deleted. */
  async withdraw(userId: string, appId: string): Promise<string[]> {
    return this.ds.transaction(async (db) => {
      await db.query(`DELETE FROM oauth2_provider_app_codes WHERE user_id = $1 AND app_id = $2`, [userId, appId]);
      const [rows]: [{ id: string }[], number] = await db.query(
        `DELETE FROM api_keys WHERE id IN (SELECT api_key_id FROM oauth2_provider_app_tokens WHERE user_id = $1 AND app_id = $2) RETURNING id`,
        [userId, appId],
      );
      // The rotated ones too: nothing is left to protect by recognising their reuse.
      await db.query(`DELETE FROM oauth2_provider_app_tokens WHERE user_id = $1 AND app_id = $2`, [userId, appId]);
      return rows.map((r) => r.id);
    });
  }

  /** At most once a minute per secret: a busy client's refreshes must not queue on one row. */
  async touchSecret(id: string): Promise<void> {
    await this.ds.query(`UPDATE oauth2_provider_app_secrets SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, [id]);
  }

  private async insertToken(db: EntityManager, t: NewToken, familyId: string | null): Promise<void> {
    await this.keys.insert(t.key, db);
    await db.query(
      `INSERT INTO oauth2_provider_app_tokens (id, expires_at, refresh_prefix, refresh_hash, app_secret_id, api_key_id, user_id, app_id, audience, scope, family_id)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9, COALESCE($10, gen_random_uuid()))`,
      [t.refreshExpiresAt, t.refreshPrefix, t.refreshHash, t.appSecretId, t.key.id, t.key.userId, t.appId, t.audience, t.scope, familyId],
    );
  }
}
