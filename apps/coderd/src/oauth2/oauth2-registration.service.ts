import { randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { OAuth2ClientInformation, OAuth2GrantType, OAuth2ResponseType, OAuth2TokenEndpointAuthMethod } from '#sdk/oauth2.js';
import { hashSecret, randomString } from '../apikeys/api-key-secret.js';
import { Authenticator } from '../auth/authenticator.service.js';
import type { DeploymentConfig } from '../config/config.js';
import { isUuid } from '../files/files.service.js';
import { DEPLOYMENT_CONFIG } from '../tokens.js';
import { validateClientMetadata, type ClientRegistration } from './client-metadata-rules.js';
import { issuerOf } from './discovery.js';
import { Oauth2AppsRepository } from './oauth2-apps.repository.js';
import { oauth2Error } from './oauth2-error.js';
import { Oauth2RegistrationRepository, type RegisteredClientRow } from './oauth2-registration.repository.js';
import { newOauth2Secret } from './oauth2-secret.js';

const REGISTRATION_TOKEN_LENGTH = 40;

const invalidToken = (status: number, description: string) => oauth2Error(status, 'invalid_token', description);

/**
 * Dynamic client registration (RFC 7591) and the registration's management by the client itself
 * (RFC 7592), with the registration access token shown once and kept as its sha256.
 */
@Injectable()
export class Oauth2RegistrationService {
  constructor(
    private readonly repo: Oauth2RegistrationRepository,
    private readonly apps: Oauth2AppsRepository,
    private readonly authenticator: Authenticator,
    @Inject(DEPLOYMENT_CONFIG) private readonly config: DeploymentConfig,
  ) {}

  async register(body: unknown): Promise<OAuth2ClientInformation> {
    const reg = valid(body);
    const id = randomUUID();
    const registrationToken = randomString(REGISTRATION_TOKEN_LENGTH);
    const secret = reg.clientType === 'confidential' ? newOauth2Secret() : undefined;
    await this.repo.insert(id, reg, { hashedRegistrationToken: hashSecret(registrationToken), secret });
    const row = (await this.repo.find(id))!;
    return { ...this.info(row), ...(secret ? { client_secret: secret.full } : {}), registration_access_token: registrationToken };
  }

  async read(clientId: string, authorization: string | undefined): Promise<OAuth2ClientInformation> {
    return this.info(await this.authorize(clientId, authorization));
  }

  /** Full replacement; a client cannot turn from confidential to public or back (its secret would be wrong). */
  async update(clientId: string, authorization: string | undefined, body: unknown): Promise<OAuth2ClientInformation> {
    const row = await this.authorize(clientId, authorization);
    const reg = valid(body);
    if (reg.clientType !== row.client_type) {
      throw oauth2Error(400, 'invalid_client_metadata', `token_endpoint_auth_method cannot change a ${row.client_type} client into a ${reg.clientType} one`);
    }
    await this.repo.replace(row.id, reg);
    return this.info((await this.repo.find(row.id))!);
  }

  async delete(clientId: string, authorization: string | undefined): Promise<void> {
    const row = await this.authorize(clientId, authorization);
    await this.authenticator.invalidate({ keyIds: await this.apps.delete(row.id) });
  }

  /** RFC 7592 2: the registration access token, compared in constant time. */
  private async authorize(clientId: string, authorization: string | undefined): Promise<RegisteredClientRow> {
    if (!isUuid(clientId)) throw oauth2Error(400, 'invalid_client_id', 'The client_id is not a valid client identifier');
    const token = authorization ? /^Bearer (\S+)$/.exec(authorization)?.[1] : undefined;
    if (!token) throw invalidToken(401, 'A registration access token is required (Authorization: Bearer)');
    const row = await this.repo.find(clientId);
    if (!row) throw invalidToken(401, 'Client not found');
    if (!row.dynamically_registered || !row.hashed_registration_access_token) throw invalidToken(403, 'This client was not registered dynamically');
    const given = hashSecret(token);
    if (!timingSafeEqual(given, row.hashed_registration_access_token)) throw invalidToken(401, 'Invalid registration access token');
    return row;
  }

  private info(row: RegisteredClientRow): OAuth2ClientInformation {
    const optional = {
      client_uri: row.client_uri,
      logo_uri: row.logo_uri,
      tos_uri: row.tos_uri,
      policy_uri: row.policy_uri,
      software_id: row.software_id,
      software_version: row.software_version,
      scope: row.scope || null,
    };
    return {
      client_id: row.id,
      client_id_issued_at: Math.floor(new Date(row.created_at).getTime() / 1000),
      client_name: row.name,
      redirect_uris: row.redirect_uris,
      grant_types: row.grant_types as OAuth2GrantType[],
      response_types: row.response_types as OAuth2ResponseType[],
      token_endpoint_auth_method: row.token_endpoint_auth_method as OAuth2TokenEndpointAuthMethod,
      ...(row.contacts.length > 0 ? { contacts: row.contacts } : {}),
      ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== null)),
      registration_client_uri: `${issuerOf(this.config.accessUrl)}/oauth2/clients/${row.id}`,
    };
  }
}

function valid(body: unknown): ClientRegistration {
  const v = validateClientMetadata(body);
  if ('problem' in v) throw oauth2Error(400, v.redirect ? 'invalid_redirect_uri' : 'invalid_client_metadata', v.problem);
  return v;
}
