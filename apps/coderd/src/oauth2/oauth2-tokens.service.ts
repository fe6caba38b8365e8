import { Inject, Injectable } from '@nestjs/common';
import type { FormFields } from '#httpapi/form-body.js';
import { parseApiToken } from '#httpapi/token.js';
import type { OAuth2GrantType } from '#sdk/oauth2.js';
import { hashSecret, newApiKeySecret, secretMatches } from '../apikeys/api-key-secret.js';
import { ApiKeysRepository } from '../apikeys/apikeys.repository.js';
import { Authenticator } from '../auth/authenticator.service.js';
import type { DeploymentConfig } from '../config/config.js';
import { DEPLOYMENT_CONFIG } from '../tokens.js';
import { Oauth2ClientAuth } from './oauth2-client-auth.service.js';
import { MALFORMED, invalidRequest, oauth2Error } from './oauth2-error.js';
import { OAuth2Params } from './oauth2-params.js';
import { Oauth2ProtocolRepository, type ClientRow, type NewToken } from './oauth2-protocol.repository.js';
import { narrowScope, splitScope } from './oauth2-scope.js';
import { newOauth2Secret, parseOauth2Secret } from './oauth2-secret.js';
import { isPkceValue, pkceVerifies } from './pkce.js';
import type { OAuth2TokenResponse } from './oauth2-protocol.dto.js';

const GRANTS: readonly string[] = ['authorization_code', 'refresh_token'] satisfies OAuth2GrantType[];

const badCode = () => oauth2Error(400, 'invalid_grant', 'The authorization code is invalid or expired');
const badRefresh = () => oauth2Error(400, 'invalid_grant', 'The refresh token is invalid or expired');
const badVerifier = () => oauth2Error(400, 'invalid_grant', 'The PKCE code verifier is invalid');
const badResource = () => oauth2Error(400, 'invalid_target', 'The resource parameter is invalid');

/** The name Coder gives an app's access token: one live token per user and app. */
export const oauth2TokenName = (userId: string, appId: string): string => `${userId}_${appId}_oauth_session_token`;

/**
 * The token endpoint (RFC 6749 4.1.3 and 6) and revocation (RFC 7009). Access tokens are API keys
 * (login type oauth2_provider_app) that authenticate like any other; refresh tokens rotate on every
 * use, and presenting a used one again revokes its whole family (RFC 9700 4.14.2).
 */
@Injectable()
export class Oauth2TokensService {
  constructor(
    private readonly repo: Oauth2ProtocolRepository,
    private readonly clients: Oauth2ClientAuth,
    private readonly keys: ApiKeysRepository,
    private readonly authenticator: Authenticator,
    @Inject(DEPLOYMENT_CONFIG) private readonly config: DeploymentConfig,
  ) {}

  async token(fields: FormFields, authorization: string | undefined, ip: string): Promise<OAuth2TokenResponse> {
    const params = new OAuth2Params(fields);
    const grant = new OAuth2Params(fields, unsupportedGrant).get('grant_type');
    if (grant === undefined || !GRANTS.includes(grant)) throw unsupportedGrant();
    const { client, secretId } = await this.clients.authenticate(params, authorization);
    if (!client.grant_types.includes(grant)) throw oauth2Error(400, 'unauthorized_client', `This client may not use the ${grant} grant`);
    if (grant === 'refresh_token') return this.refresh(params, client, secretId, ip);
    if (secretId) await this.repo.touchSecret(secretId);
    return this.exchangeCode(params, client, secretId, ip);
  }

  /** RFC 7009: 200 whether or not there was anything to revoke; token_type_hint is not needed. */
  async revoke(fields: FormFields, authorization: string | undefined): Promise<void> {
    const params = new OAuth2Params(fields);
    const { client } = await this.clients.authenticate(params, authorization);
    const token = params.require('token');
    let revoked: string[] = [];
    if (token.startsWith('coder_')) {
      const parsed = parseOauth2Secret(token);
      if (!parsed) throw invalidRequest('Invalid token format');
      // No lock needed: revoking deletes the family's live key, whichever that is by then.
      const row = await this.ownRefresh(client, parsed);
      if (row) revoked = await this.repo.revokeFamily(row.family_id);
    } else {
      const parsed = parseApiToken(token);
      if ('error' in parsed) throw invalidRequest('Invalid token format');
      const key = await this.keys.findById(parsed.id);
      if (key && key.login_type === 'oauth2_provider_app' && secretMatches(parsed.secret, key.hashed_secret)) {
        const row = await this.repo.tokenOfKey(key.id);
        if (row?.app_id === client.id) revoked = await this.repo.revokeFamily(row.family_id);
      }
    }
    await this.forget(revoked);
  }

  /** A user withdraws an app's access (DELETE /oauth2/tokens): its codes and tokens for them go. */
  async withdraw(userId: string, clientId: string | undefined): Promise<void> {
    const client = await this.clients.lookup(clientId);
    await this.forget(await this.repo.withdraw(userId, client.id));
  }

  private async exchangeCode(params: OAuth2Params, client: ClientRow, secretId: string | null, ip: string): Promise<OAuth2TokenResponse> {
    const parsed = parseOauth2Secret(params.require('code'));
    const code = parsed ? await this.repo.consumeCode(client.id, parsed.prefix, hashSecret(parsed.secret)) : undefined;
    if (!code || code.expires_at.getTime() <= Date.now()) throw badCode();
    const redirectUri = params.get('redirect_uri');
    if (redirectUri !== undefined && redirectUri !== code.redirect_uri) throw invalidRequest(MALFORMED);
    const verifier = params.get('code_verifier');
    if (code.code_challenge !== null) {
      if (verifier === undefined) throw badVerifier();
      if (!isPkceValue(verifier)) throw invalidRequest('code_verifier must be 43 to 128 characters of [A-Za-z0-9-._~]');
      if (!pkceVerifies(verifier, code.code_challenge)) throw badVerifier();
    } else if (verifier !== undefined) {
      // A verifier for a code issued without a challenge is a downgrade attempt (OAuth 2.1 4.1.3).
      throw badVerifier();
    }
    // RFC 8707: the resource must be the one the code was issued for, byte for byte.
    if ((params.get('resource') ?? null) !== code.resource_uri) throw badResource();
    const scopes = splitScope(code.scope);
    const issued = this.newToken(code.user_id, client.id, secretId, code.resource_uri, scopes, scopes, ip);
    const replaced = await this.repo.issue(issued.row);
    if (replaced) await this.forget([replaced]);
    return issued.response;
  }

  /**
   * One statement when all goes well (Oauth2ProtocolRepository.rotate). Only when it claims nothing
   * is the token read, to answer why: and a rotated token presented again revokes its family.
   */
  private async refresh(params: OAuth2Params, client: ClientRow, secretId: string | null, ip: string): Promise<OAuth2TokenResponse> {
    const parsed = parseOauth2Secret(params.require('refresh_token'));
    if (!parsed) throw badRefresh();
    const resource = params.get('resource');
    const scope = params.get('scope');
    let keyScopes: string[] | undefined;
    if (scope !== undefined) {
      const row = await this.ownRefresh(client, parsed);
      const narrowed = narrowScope(splitScope(row?.scope), scope);
      if (row && 'problem' in narrowed) throw oauth2Error(400, 'invalid_scope', narrowed.problem);
      if ('scopes' in narrowed) keyScopes = narrowed.scopes;
    }
    // The user and audience are the row's; the statement fills them in.
    const issued = this.newToken('', client.id, secretId, null, [], keyScopes ?? [], ip);
    const rotated = await this.repo.rotate({ prefix: parsed.prefix, hash: hashSecret(parsed.secret), appId: client.id, resource, keyScopes, next: issued.row });
    if (rotated) {
      await this.forget([rotated.old_key_id]);
      return { ...issued.response, scope: rotated.scopes.join(' ') };
    }
    const row = await this.ownRefresh(client, parsed);
    // Reuse of a rotated token: someone holds a copy. Revoke the family, for the thief and the client alike.
    if (row?.rotated_at) await this.forget(await this.repo.revokeFamily(row.family_id));
    else if (row && row.expires_at.getTime() > Date.now() && resource !== undefined && resource !== row.audience) throw badResource();
    throw badRefresh();
  }

  /** The client's refresh token with this prefix and secret; undefined for anything else. */
  private async ownRefresh(client: ClientRow, parsed: { prefix: string; secret: string }) {
    const row = await this.repo.findRefresh(parsed.prefix);
    return row && row.app_id === client.id && secretMatches(parsed.secret, row.refresh_hash) ? row : undefined;
  }

  /** Keys deleted here stop authenticating on every replica before the answer. */
  private forget(keyIds: string[]): Promise<void> {
    return this.authenticator.invalidate({ keyIds });
  }

  private newToken(userId: string, appId: string, appSecretId: string | null, audience: string | null, granted: string[], keyScopes: string[], ip: string) {
    const access = newApiKeySecret();
    const refresh = newOauth2Secret();
    const lifetimeMs = this.config.sessionDurationMs;
    const expiresAt = new Date(Date.now() + lifetimeMs);
    const refreshLifetimeMs = this.config.oauth2RefreshLifetimeMs > 0 ? this.config.oauth2RefreshLifetimeMs : lifetimeMs;
    const row: NewToken = {
      key: {
        id: access.id,
        hashedSecret: access.hashedSecret,
        userId,
        expiresAt,
        loginType: 'oauth2_provider_app',
        lifetimeSeconds: Math.round(lifetimeMs / 1000),
        ipAddress: ip,
        tokenName: oauth2TokenName(userId, appId),
        scopes: keyScopes,
        allowList: ['*:*'],
      },
      refreshPrefix: refresh.prefix,
      refreshHash: refresh.hashed,
      appId,
      appSecretId,
      refreshExpiresAt: new Date(Date.now() + refreshLifetimeMs),
      audience,
      scope: granted.join(' '),
    };
    const response: OAuth2TokenResponse = {
      access_token: access.token,
      token_type: 'Bearer',
      refresh_token: refresh.full,
      expires_in: Math.floor(lifetimeMs / 1000),
      expiry: expiresAt.toISOString(),
      scope: keyScopes.join(' '),
    };
    return { row, response };
  }
}

const unsupportedGrant = () => oauth2Error(400, 'unsupported_grant_type', 'The grant type is missing or unsupported');
