import { Injectable } from '@nestjs/common';
import { secretMatches } from '../apikeys/api-key-secret.js';
import { isUuid } from '../files/files.service.js';
import { ClientMetadataService } from './client-metadata.service.js';
import { invalidClient, invalidRequest } from './oauth2-error.js';
import type { OAuth2Params } from './oauth2-params.js';
import { Oauth2ProtocolRepository, type ClientRow } from './oauth2-protocol.repository.js';
import { parseOauth2Secret } from './oauth2-secret.js';

export interface AuthenticatedClient {
  client: ClientRow;
  /** The client secret used (confidential clients); null for public ones. */
  secretId: string | null;
}

/**
 * Who the client is, for the protocol endpoints (Coder's ExtractOAuth2ProviderAppWithOAuth2Errors):
 * client_id from the request or the HTTP Basic user name; a missing one is 400 invalid_request, an
 * unknown one 401 invalid_client. A client_id that is an https URL names a Client ID Metadata Document.
 */
@Injectable()
export class Oauth2ClientAuth {
  constructor(
    private readonly repo: Oauth2ProtocolRepository,
    private readonly metadata: ClientMetadataService,
  ) {}

  async lookup(clientId: string | undefined): Promise<ClientRow> {
    if (clientId === undefined) throw invalidRequest('Missing client_id parameter');
    const client = isUuid(clientId) ? await this.repo.client(clientId) : await this.metadata.resolve(clientId);
    if (!client) throw invalidClient();
    return client;
  }

  /**
   * RFC 6749 2.3.1: `client_secret_basic` or `client_secret_post`, never both; a confidential client
   * must authenticate, a public one sends its client_id only.
   */
  async authenticate(params: OAuth2Params, authorization: string | undefined): Promise<AuthenticatedClient> {
    const basic = parseBasic(authorization);
    const formId = params.get('client_id');
    const formSecret = params.get('client_secret');
    if (basic && formId !== undefined && formId !== basic.id) {
      throw invalidRequest('Conflicting client credentials between Authorization header and request body');
    }
    if (basic && formSecret !== undefined) throw invalidRequest('Use one client authentication method, not both');
    const client = await this.lookup(basic?.id ?? formId);
    if (client.client_type === 'public') return { client, secretId: null };
    const secret = basic?.secret ?? formSecret;
    if (secret === undefined) throw invalidRequest('Missing required parameter: client_secret');
    const parsed = parseOauth2Secret(secret);
    const row = parsed ? await this.repo.secret(client.id, parsed.prefix) : undefined;
    if (!parsed || !row || !secretMatches(parsed.secret, row.hashed_secret)) throw invalidClient();
    return { client, secretId: row.id };
  }
}

/** `Authorization: Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 2.3.1); undefined for anything else. */
export function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  const m = header ? /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon).replaceAll('+', ' ')), secret: decodeURIComponent(decoded.slice(colon + 1).replaceAll('+', ' ')) };
  } catch {
    return undefined;
  }
}
