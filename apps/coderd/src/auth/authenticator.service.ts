import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { GroupCommit } from '#db/group-commit.js';
import { Pubsub } from '#db/pubsub.js';
import { ApiError } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import { parseApiToken } from '#httpapi/token.js';
import { secretMatches } from '../apikeys/api-key-secret.js';
import { ApiKeysRepository } from '../apikeys/apikeys.repository.js';
import type { DeploymentConfig } from '../config/config.js';
import { DEPLOYMENT_CONFIG } from '../tokens.js';
import { UsersRepository, type UserRow } from '../users/users.repository.js';
import { AuthRepository, type KeyWithUserRow } from './auth.repository.js';
import { audienceAllowed } from '../oauth2/resource-uri.js';
import { subjectFor } from './subject-factory.js';

export const SIGNED_OUT_MESSAGE = 'You are signed out or your session has expired. Please sign in again to continue.';
/** Where key invalidations travel (payload: AuthInvalidation). */
export const AUTH_INVALIDATE_CHANNEL = 'coderd_auth_invalidate';
const HOUR = 3_600_000;
/** Safety net only: changes that matter (key deleted, user suspended, roles changed) invalidate at once. */
const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 50_000;

interface CachedKey {
  row: KeyWithUserRow;
  /** The full user, so `/users/me` needs no query either. */
  user: UserRow;
  actor: Actor;
  loadedAt: number;
  /** False for an OAuth2 app's token whose audience is not this deployment (or that has no token row). */
  audienceOk: boolean;
  /**
   * The secret that last matched the stored hash, so that the next request with the same token
   * costs a constant-time comparison instead of a sha256. Memory only, gone with the entry.
   */
  verified?: Buffer;
}

export interface AuthInvalidation {
  userId?: string;
  keyId?: string;
  /** Several keys at once (an OAuth2 app's tokens): one notification. */
  keyIds?: string[];
}

/**
 * Turns an API token into an Actor. Resolved keys are cached so an authenticated request costs no
 * database round trip while nothing changed; last_used and the sliding expiry are written at most
 * hourly, as Coder does.
 */
@Injectable()
export class Authenticator implements OnModuleInit {
  private readonly cache = new Map<string, CachedKey>();
  /** One load per key at a time: when an entry expires under load, concurrent requests share it. */
  private readonly loading = new Map<string, Promise<CachedKey>>();
  /** Key ids announced together (a notification payload holds up to 8000 bytes: 500 ids fit). */
  private readonly announcedKeys = new GroupCommit<string>((keyIds) => this.pubsub.publish(AUTH_INVALIDATE_CHANNEL, JSON.stringify({ keyIds } satisfies AuthInvalidation)), 500);

  constructor(
    private readonly auth: AuthRepository,
    private readonly keys: ApiKeysRepository,
    private readonly users: UsersRepository,
    private readonly pubsub: Pubsub,
    @Inject(DEPLOYMENT_CONFIG) private readonly config: DeploymentConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.pubsub.subscribe(AUTH_INVALIDATE_CHANNEL, (payload) => {
      try {
        this.invalidateLocal(JSON.parse(payload) as AuthInvalidation);
      } catch {
        this.cache.clear();
      }
    });
    // Invalidations published while the listener was away never arrive.
    this.pubsub.onReconnect(() => this.cache.clear());
  }

  async authenticate(token: string, ip: string): Promise<Actor> {
    const parsed = parseApiToken(token);
    if ('error' in parsed) throw unauthorized(`Invalid API key format: ${parsed.error}.`);
    const now = Date.now();
    let entry = this.cache.get(parsed.id);
    if (!entry || now - entry.loadedAt > CACHE_TTL_MS) {
      entry = await this.loadOnce(parsed.id, now);
    }
    const { row } = entry;
    if (!sameSecret(entry.verified, parsed.secret)) {
      if (!secretMatches(parsed.secret, row.hashed_secret)) throw unauthorized('API key secret is invalid.');
      entry.verified = Buffer.from(parsed.secret);
    }
    if (row.expires_at.getTime() <= now) {
      throw unauthorized(`API key expired at "${row.expires_at.toISOString()}".`);
    }
    // RFC 8707: a token an OAuth2 client got for another resource is not for this deployment.
    if (!entry.audienceOk) throw new ApiError(403, AUDIENCE_MISMATCH);
    if (row.status === 'suspended') {
      throw new ApiError(401, `User is not active (status = "${row.status}"). Contact an admin to reactivate your account.`);
    }
    await this.refreshIfDue(entry, now, ip);
    return entry.actor;
  }

  /** The authenticated user as loaded with its key (undefined once the cache entry is gone). */
  cachedUser(actor: Actor): UserRow | undefined {
    const entry = this.cache.get(actor.apiKeyId);
    return entry && entry.row.user_id === actor.userId ? entry.user : undefined;
  }

  /** Drops cached keys here and on every other replica. */
  async invalidate(what: AuthInvalidation): Promise<void> {
    if (what.keyIds?.length === 0 && !what.keyId && !what.userId) return;
    this.invalidateLocal(what);
    // Keys share notifications (OAuth2 rotation retires one per refresh, logouts one each): a
    // NOTIFY serializes commits, so one per key would cap such endpoints at the disk's flush rate.
    if (!what.keyId && !what.keyIds && !what.userId) return this.pubsub.publish(AUTH_INVALIDATE_CHANNEL, '{}');
    const keyIds = [...(what.keyId ? [what.keyId] : []), ...(what.keyIds ?? [])];
    await Promise.all([
      ...keyIds.map((id) => this.announcedKeys.add(id)),
      ...(what.userId ? [this.pubsub.publish(AUTH_INVALIDATE_CHANNEL, JSON.stringify({ userId: what.userId }))] : []),
    ]);
  }

  private invalidateLocal(what: AuthInvalidation): void {
    // A load in flight may have read the old rows: forget it too, so it does not fill the cache.
    if (what.keyId) {
      this.cache.delete(what.keyId);
      this.loading.delete(what.keyId);
    }
    if (what.userId) {
      for (const [id, e] of this.cache) if (e.row.user_id === what.userId) this.cache.delete(id);
      this.loading.clear();
    }
    for (const keyId of what.keyIds ?? []) {
      this.cache.delete(keyId);
      this.loading.delete(keyId);
    }
    if (!what.keyId && !what.userId && !what.keyIds) {
      this.cache.clear();
      this.loading.clear();
    }
  }

  private loadOnce(keyId: string, now: number): Promise<CachedKey> {
    const pending = this.loading.get(keyId);
    if (pending) return pending;
    const load: Promise<CachedKey> = this.load(keyId, now, () => this.loading.get(keyId) === load).finally(() => {
      if (this.loading.get(keyId) === load) this.loading.delete(keyId);
    });
    this.loading.set(keyId, load);
    return load;
  }

  private async load(keyId: string, now: number, stillCurrent: () => boolean): Promise<CachedKey> {
    const row = await this.auth.keyWithUser(keyId);
    const user = row?.user;
    if (!row || !user) {
      this.cache.delete(keyId);
      throw unauthorized('API key is invalid.');
    }
    const actor: Actor = {
      userId: row.user_id,
      username: row.username,
      apiKeyId: row.id,
      subject: subjectFor(row, row.scopes, row.allow_list),
    };
    const audienceOk = row.login_type !== 'oauth2_provider_app' || (row.oauth2_token_exists === true && audienceAllowed(row.oauth2_audience, this.config.accessUrl));
    const entry = { row, user, actor, loadedAt: now, audienceOk };
    if (!stillCurrent()) return entry;
    if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(keyId, entry);
    return entry;
  }

  private async refreshIfDue(entry: CachedKey, now: number, ip: string): Promise<void> {
    const { row } = entry;
    const lifetimeMs = Number(row.lifetime_seconds) * 1000;
    const touchDue = now - row.last_used.getTime() >= HOUR;
    const slideDue = !this.config.disableSessionExpiryRefresh && row.expires_at.getTime() - now <= lifetimeMs - HOUR;
    const activate = row.status === 'dormant';
    if (!touchDue && !slideDue && !activate) return;
    // Update the cached copy first so concurrent requests do not repeat the write.
    row.last_used = new Date(now);
    if (slideDue) row.expires_at = new Date(now + lifetimeMs);
    row.status = 'active';
    await this.keys.touch(row.id, row.last_used, row.expires_at, ip);
    // The cached user must read exactly as the database does (/users/me is served from it). A new
    // object, not a mutation, so anything derived from the old one is not reused.
    entry.user = { ...entry.user, ...(await this.users.markSeen(row.user_id)) };
  }
}

function sameSecret(verified: Buffer | undefined, secret: string): boolean {
  if (!verified) return false;
  const given = Buffer.from(secret);
  return given.length === verified.length && timingSafeEqual(given, verified);
}

/** The signed-out 401; the guard adds the RFC 6750 challenge. */
export function unauthorized(detail: string): ApiError {
  return new ApiError(401, SIGNED_OUT_MESSAGE, detail);
}

export const AUDIENCE_MISMATCH = 'Token audience validation failed';
