import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { isUniqueViolation } from '#db/pg-errors.js';
import type { ClientRegistration } from './client-metadata-rules.js';
import { APP_NAME_INDEX } from './oauth2-apps.repository.js';
import type { NewOauth2Secret } from './oauth2-secret.js';

/** A dynamically registered client as RFC 7592 reads it back. */
export interface RegisteredClientRow {
  id: string;
  created_at: Date;
  name: string;
  client_type: 'confidential' | 'public';
  dynamically_registered: boolean;
  redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: string;
  scope: string;
  contacts: string[];
  client_uri: string | null;
  logo_uri: string | null;
  tos_uri: string | null;
  policy_uri: string | null;
  software_id: string | null;
  software_version: string | null;
  hashed_registration_access_token: Buffer | null;
  client_name: string | null;
}

const MAX_ICON = 256;

/** Columns of a registration, in the order of VALUES ($2..$16). */
const REGISTRATION_COLUMNS = `name, icon, callback_url, redirect_uris, client_type, grant_types, response_types, token_endpoint_auth_method,
  scope, contacts, client_uri, logo_uri, tos_uri, policy_uri, software_id, software_version`;

const registrationValues = (r: ClientRegistration, name: string) => [
  name,
  r.logoUri && r.logoUri.length <= MAX_ICON ? r.logoUri : '',
  r.redirectUris[0],
  r.redirectUris,
  r.clientType,
  r.grantTypes,
  r.responseTypes,
  r.authMethod,
  r.scope,
  r.contacts,
  r.clientUri ?? null,
  r.logoUri ?? null,
  r.tosUri ?? null,
  r.policyUri ?? null,
  r.softwareId ?? null,
  r.softwareVersion ?? null,
];

/** SQL of RFC 7591 registration and RFC 7592 management, and of clients known by metadata documents. */
@Injectable()
export class Oauth2RegistrationRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * A new client (with its secret, for confidential ones). App names are unique; two clients that
   * call themselves the same get the second one's name suffixed with its id.
   */
  async insert(id: string, r: ClientRegistration, extra: { hashedRegistrationToken?: Buffer; metadataUrl?: string; secret?: NewOauth2Secret }): Promise<void> {
    await withUniqueName(r.name, id, (name) =>
      this.ds.transaction(async (db) => {
        await db.query(
          `INSERT INTO oauth2_provider_apps (id, ${REGISTRATION_COLUMNS}, dynamically_registered, hashed_registration_access_token, client_id_metadata_url, metadata_fetched_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, CASE WHEN $20::text IS NULL THEN NULL ELSE now() END)`,
          [id, ...registrationValues(r, name), extra.hashedRegistrationToken !== undefined, extra.hashedRegistrationToken ?? null, extra.metadataUrl ?? null],
        );
        if (extra.secret) {
          await db.query(`INSERT INTO oauth2_provider_app_secrets (id, app_id, secret_prefix, hashed_secret, display_secret) VALUES (gen_random_uuid(), $1, $2, $3, $4)`, [
            id,
            extra.secret.prefix,
            extra.secret.hashed,
            extra.secret.display,
          ]);
        }
      }),
    );
  }

  /** RFC 7592 PUT and metadata document refresh: the whole registration is replaced. */
  async replace(id: string, r: ClientRegistration, refreshedMetadata = false): Promise<void> {
    await withUniqueName(r.name, id, (name) =>
      this.ds.query(
        `UPDATE oauth2_provider_apps SET (${REGISTRATION_COLUMNS}) = ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17),
           updated_at = now(), metadata_fetched_at = CASE WHEN $18 THEN now() ELSE metadata_fetched_at END
         WHERE id = $1`,
        [id, ...registrationValues(r, name), refreshedMetadata],
      ),
    );
  }

  async find(id: string): Promise<RegisteredClientRow | undefined> {
    return (
      await this.ds.query(
        `SELECT id, created_at, name, client_type, dynamically_registered, redirect_uris, grant_types, response_types, token_endpoint_auth_method,
           scope, contacts, client_uri, logo_uri, tos_uri, policy_uri, software_id, software_version, hashed_registration_access_token, name AS client_name
         FROM oauth2_provider_apps WHERE id = $1`,
        [id],
      )
    )[0];
  }

  /** The app known by a metadata document URL, and when the document was last fetched. */
  async byMetadataUrl(url: string): Promise<{ id: string; metadata_fetched_at: Date } | undefined> {
    return (await this.ds.query(`SELECT id, metadata_fetched_at FROM oauth2_provider_apps WHERE client_id_metadata_url = $1`, [url]))[0];
  }
}

async function withUniqueName(name: string, id: string, write: (name: string) => Promise<unknown>): Promise<void> {
  try {
    await write(name);
  } catch (err) {
    if (!isUniqueViolation(err, APP_NAME_INDEX)) throw err;
    const suffix = `-${id.slice(0, 8)}`;
    await write(`${name.slice(0, 64 - suffix.length)}${suffix}`);
  }
}
