import type * as sdk from '#sdk/apikeys.js';
import { parseAllowListEntry } from '../auth/subject-factory.js';
import type { ApiKeyRow, ApiKeyWithOwnerRow } from './apikeys.repository.js';

export function toApiKey(k: ApiKeyRow): sdk.APIKey {
  return {
    id: k.id,
    user_id: k.user_id,
    last_used: k.last_used.toISOString(),
    expires_at: k.expires_at.toISOString(),
    created_at: k.created_at.toISOString(),
    updated_at: k.updated_at.toISOString(),
    login_type: k.login_type,
    scope: k.scopes.includes('coder:all') ? 'all' : 'application_connect',
    scopes: k.scopes,
    token_name: k.token_name,
    lifetime_seconds: Number(k.lifetime_seconds),
    allow_list: k.allow_list.map(parseAllowListEntry),
  };
}

export function toApiKeyWithOwner(k: ApiKeyWithOwnerRow): sdk.APIKeyWithOwner {
  return { ...toApiKey(k), username: k.username };
}
