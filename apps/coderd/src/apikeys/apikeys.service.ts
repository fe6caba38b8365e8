import { Inject, Injectable } from '@nestjs/common';
import { badRequest, forbidden, invalidField, notFound } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import type { RbacObject } from '#rbac/authorizer.js';
import { SCOPE_ALL, allowListCovers, scopesNotCovered } from '#rbac/scopes.js';
import type * as sdk from '#sdk/apikeys.js';
import type { LoginType } from '#db/entities/user.entity.js';
import { Authenticator } from '../auth/authenticator.service.js';
import { AuthzService } from '../auth/authz.service.js';
import type { DeploymentConfig } from '../config/config.js';
import { formatGoDuration } from '../config/duration.js';
import { DEPLOYMENT_CONFIG } from '../tokens.js';
import type { UserRow } from '../users/users.repository.js';
import { UsersService } from '../users/users.service.js';
import { newApiKeySecret, randomString } from './api-key-secret.js';
import { toApiKey, toApiKeyWithOwner } from './apikey.mapper.js';
import type { CreateTokenRequest } from './apikeys.dto.js';
import { ApiKeysRepository, type ApiKeyRow } from './apikeys.repository.js';
import { parseAllowListEntry } from '../auth/subject-factory.js';
import { normaliseAllowList, normaliseScopes } from './token-request.js';

const DEFAULT_TOKEN_LIFETIME_MS = 30 * 24 * 3_600_000;
/** Coder: keys generated through POST /users/{user}/keys last one week. */
const GENERATED_KEY_LIFETIME_MS = 7 * 24 * 3_600_000;
const keyObject = (k: { id: string; user_id: string }): RbacObject => ({ type: 'api_key', id: k.id, ownerId: k.user_id });
const UNRESTRICTED = { scopes: [SCOPE_ALL], allowList: ['*:*'] };

export interface IssuedKey {
  token: string;
  row: ApiKeyRow;
}

/** Sessions and long-lived tokens. Secrets are returned once and stored as sha256 only. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly users: UsersService,
    private readonly authz: AuthzService,
    private readonly authenticator: Authenticator,
    @Inject(DEPLOYMENT_CONFIG) private readonly config: DeploymentConfig,
  ) {}

  /** A session key, as from a login; used by the login endpoint and POST /users/{user}/keys. */
  async issueSession(userId: string, ip: string, loginType: LoginType = 'password'): Promise<IssuedKey> {
    const lifetimeMs = this.config.sessionDurationMs;
    return this.issue({ userId, ip, loginType, lifetimeMs, tokenName: '', ...UNRESTRICTED });
  }

  async createSessionKey(actor: Actor, userParam: string, ip: string): Promise<sdk.GenerateAPIKeyResponse> {
    const user = await this.owner(actor, userParam);
    this.requireCreate(actor, user.id);
    this.requireNotBroader(actor, UNRESTRICTED.scopes, UNRESTRICTED.allowList);
    const issued = await this.issue({
      userId: user.id,
      ip,
      loginType: 'password',
      lifetimeMs: GENERATED_KEY_LIFETIME_MS,
      tokenName: '',
      ...UNRESTRICTED,
    });
    return { key: issued.token };
  }

  async createToken(actor: Actor, userParam: string, req: CreateTokenRequest, ip: string): Promise<sdk.GenerateAPIKeyResponse> {
    const user = await this.owner(actor, userParam);
    this.requireCreate(actor, user.id);
    const requestedMs = req.lifetime ? Math.floor(req.lifetime / 1e6) : 0;
    if (requestedMs > this.config.maxTokenLifetimeMs) {
      throw invalidField('lifetime', `Lifetime must be less than ${formatGoDuration(this.config.maxTokenLifetimeMs)}.`, 'Failed to validate create API key request.');
    }
    if (req.lifetime && requestedMs < 1000) throw invalidField('lifetime', 'Lifetime must be at least one second.');
    const lifetimeMs = requestedMs || Math.min(DEFAULT_TOKEN_LIFETIME_MS, this.config.maxTokenLifetimeMs);
    const tokenName = req.token_name || `token_${randomString(10).toLowerCase()}`;
    const scopes = normaliseScopes(req.scope, req.scopes);
    const allowList = normaliseAllowList(req.allow_list);
    this.requireNotBroader(actor, scopes, allowList);
    const issued = await this.issue({ userId: user.id, ip, loginType: 'token', lifetimeMs, tokenName, scopes, allowList }).catch((err) => {
      if ((err as { driverError?: { code?: string } }).driverError?.code === '23505') {
        throw badRequest(`A token with name "${tokenName}" already exists.`, undefined, [
          { field: 'token_name', detail: 'This value is already in use and should be unique.' },
        ]);
      }
      throw err;
    });
    return { key: issued.token };
  }

  async listTokens(actor: Actor, userParam: string, includeAll: boolean, includeExpired: boolean): Promise<sdk.APIKeyWithOwner[]> {
    const user = await this.owner(actor, userParam);
    const filter = this.authz.sqlFilter(actor, 'read', 'api_key', { id: 'k.id', owner: 'k.user_id' });
    const rows = await this.keys.listTokens({ userId: includeAll ? undefined : user.id, includeExpired, filter });
    return rows.map(toApiKeyWithOwner);
  }

  async getToken(actor: Actor, userParam: string, name: string): Promise<sdk.APIKey> {
    const user = await this.owner(actor, userParam);
    const row = await this.keys.findToken(user.id, name);
    if (!row) throw notFound();
    this.authz.requireRead(actor, keyObject(row));
    return toApiKey(row);
  }

  async tokenConfig(actor: Actor, userParam: string): Promise<sdk.TokenConfig> {
    await this.owner(actor, userParam);
    return { max_token_lifetime: this.config.maxTokenLifetimeMs * 1e6 };
  }

  async get(actor: Actor, userParam: string, keyId: string): Promise<sdk.APIKey> {
    return toApiKey(await this.find(actor, userParam, keyId));
  }

  async delete(actor: Actor, userParam: string, keyId: string): Promise<void> {
    const row = await this.find(actor, userParam, keyId);
    this.authz.require(actor, 'delete', keyObject(row));
    await this.keys.delete(row.id);
    await this.authenticator.invalidate({ keyId: row.id });
  }

  /** Sets the expiry to now (kept for the record, unlike a delete); an expired key stays as it was. */
  async expire(actor: Actor, userParam: string, keyId: string): Promise<void> {
    const row = await this.find(actor, userParam, keyId);
    this.authz.require(actor, 'update', keyObject(row));
    await this.keys.expireNow(row.id);
    await this.authenticator.invalidate({ keyId: row.id });
  }

  /** Logout: the key that made the request stops working everywhere. */
  async revoke(keyId: string): Promise<void> {
    await this.keys.delete(keyId);
    await this.authenticator.invalidate({ keyId });
  }

  /**
   * A key may only create keys that can do no more than itself: every requested scope must be
   * covered by the caller's scopes and the requested allow list by the caller's.
   */
  private requireNotBroader(actor: Actor, scopes: string[], allowList: string[]): void {
    const wider = scopesNotCovered(actor.subject.scopes, scopes);
    if (wider.length > 0) {
      throw forbidden(`The requesting token's scopes do not cover ${wider.map((s) => `"${s}"`).join(', ')}; a token cannot create a broader one.`);
    }
    if (!allowListCovers(actor.subject.allowList, allowList.map(parseAllowListEntry))) {
      throw forbidden("The requested allow list reaches objects outside the requesting token's allow list; a token cannot create a broader one.");
    }
  }

  /**
   * The `{user}` of a key route. A key always knows its own user, so `me` (or the caller's own id or
   * name) needs no user:read: a token scoped to apikeys.manage_self manages its own keys. Anyone
   * else's keys need that user to be readable first, as everywhere.
   */
  private owner(actor: Actor, userParam: string): Promise<UserRow> {
    const self = userParam === 'me' || userParam === actor.userId || userParam === actor.username;
    return self ? this.users.lookup(actor, 'me') : this.users.resolve(actor, userParam);
  }

  /** The user is readable (resolved), so a refusal is 403, not 404. */
  private requireCreate(actor: Actor, userId: string): void {
    this.authz.requireCreate(actor, { type: 'api_key', ownerId: userId }, 'keys for this user');
  }

  private async find(actor: Actor, userParam: string, keyId: string): Promise<ApiKeyRow> {
    const user = await this.owner(actor, userParam);
    const row = keyId.length <= 64 ? await this.keys.findById(keyId) : undefined;
    if (!row || row.user_id !== user.id) throw notFound();
    this.authz.requireRead(actor, keyObject(row));
    return row;
  }

  private async issue(k: {
    userId: string;
    ip: string;
    loginType: LoginType;
    lifetimeMs: number;
    tokenName: string;
    scopes: string[];
    allowList: string[];
  }): Promise<IssuedKey> {
    const secret = newApiKeySecret();
    const row = await this.keys.insert({
      id: secret.id,
      hashedSecret: secret.hashedSecret,
      userId: k.userId,
      expiresAt: new Date(Date.now() + k.lifetimeMs),
      loginType: k.loginType,
      lifetimeSeconds: Math.round(k.lifetimeMs / 1000),
      ipAddress: k.ip,
      tokenName: k.tokenName,
      scopes: k.scopes,
      allowList: k.allowList,
    });
    return { token: secret.token, row };
  }
}
