// The authenticator's key cache under load: concurrent misses for one key share one load, and an
// invalidation that arrives while a load is in flight keeps its (possibly stale) result out of the cache.
import { describe, expect, it } from '@jest/globals';
import { newApiKeySecret } from '#coderd/apikeys/api-key-secret.js';
import type { ApiKeysRepository } from '#coderd/apikeys/apikeys.repository.js';
import type { AuthRepository, KeyWithUserRow } from '#coderd/auth/auth.repository.js';
import { Authenticator } from '#coderd/auth/authenticator.service.js';
import type { DeploymentConfig } from '#coderd/config/config.js';
import type { UserRow } from '#coderd/users/users.repository.js';
import type { Pubsub } from '#db/pubsub.js';

const key = newApiKeySecret();
const USER_ID = '6b8f4a52-8a55-4f0e-9c1e-0b0a5d1f7e11';

function row(username: string): KeyWithUserRow {
  const now = new Date();
  return {
    id: key.id,
    hashed_secret: key.hashedSecret,
    last_used: now,
    expires_at: new Date(now.getTime() + 86_400_000),
    created_at: now,
    updated_at: now,
    login_type: 'password',
    lifetime_seconds: '86400',
    token_name: '',
    scopes: ['all'],
    allow_list: ['*:*'],
    user_id: USER_ID,
    username,
    status: 'active',
    rbac_roles: [],
    org_roles: {},
    group_ids: [],
    user: { id: USER_ID, username } as unknown as UserRow,
  } as unknown as KeyWithUserRow;
}

/** A key lookup that answers only when the test releases it, and counts how often it was asked. */
class GatedLookup {
  calls = 0;
  private releases: Array<() => void> = [];
  constructor(private readonly answers: KeyWithUserRow[]) {}

  keyWithUser = (): Promise<KeyWithUserRow> => {
    const answer = this.answers[Math.min(this.calls, this.answers.length - 1)];
    this.calls++;
    return new Promise((resolve) => this.releases.push(() => resolve(answer)));
  };

  releaseAll(): void {
    for (const r of this.releases.splice(0)) r();
  }
}

function authenticator(lookup: GatedLookup): Authenticator {
  const pubsub = { publish: async () => undefined } as unknown as Pubsub;
  const config = { disableSessionExpiryRefresh: true } as DeploymentConfig;
  return new Authenticator(lookup as unknown as AuthRepository, {} as ApiKeysRepository, {} as never, pubsub, config);
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('Authenticator key cache', () => {
  it('answers 20 concurrent requests on a cold cache with one lookup', async () => {
    const lookup = new GatedLookup([row('alice')]);
    const auth = authenticator(lookup);
    const all = Promise.all(Array.from({ length: 20 }, () => auth.authenticate(key.token, '127.0.0.1')));
    await settle();
    lookup.releaseAll();
    const actors = await all;
    expect(lookup.calls).toBe(1);
    expect(new Set(actors.map((a) => a.username))).toEqual(new Set(['alice']));
    await auth.authenticate(key.token, '127.0.0.1');
    expect(lookup.calls).toBe(1);
  });

  it('does not cache a load that an invalidation overtook', async () => {
    const lookup = new GatedLookup([row('before-rename'), row('after-rename')]);
    const auth = authenticator(lookup);
    const first = auth.authenticate(key.token, '127.0.0.1');
    await settle();
    await auth.invalidate({ userId: USER_ID });
    // A request after the invalidation does not join the stale load: it starts its own.
    const second = auth.authenticate(key.token, '127.0.0.1');
    await settle();
    lookup.releaseAll();
    expect((await first).username).toBe('before-rename');
    expect((await second).username).toBe('after-rename');
    expect(lookup.calls).toBe(2);
    expect((await auth.authenticate(key.token, '127.0.0.1')).username).toBe('after-rename');
    expect(lookup.calls).toBe(2);
  });

  it('rejects a wrong secret even when the load is shared with a right one', async () => {
    const lookup = new GatedLookup([row('alice')]);
    const auth = authenticator(lookup);
    const wrong = `${key.id}-${'x'.repeat(22)}`;
    const results = Promise.allSettled([auth.authenticate(key.token, '127.0.0.1'), auth.authenticate(wrong, '127.0.0.1')]);
    await settle();
    lookup.releaseAll();
    const [ok, bad] = await results;
    expect(ok.status).toBe('fulfilled');
    expect(bad.status).toBe('rejected');
    expect(lookup.calls).toBe(1);
  });
});
