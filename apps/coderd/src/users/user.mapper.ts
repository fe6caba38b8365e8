import { findRole } from '../../../../libs/rbac/src/roles.js';
import type * as sdk from '../../../../libs/sdk/src/users.js';
import type { UserRow } from './users.repository.js';

export function slimRole(name: string, organizationId?: string): sdk.SlimRole {
  const role = findRole(name, organizationId ? 'organization' : 'site');
  const slim: sdk.SlimRole = { name, display_name: role?.display_name ?? name };
  if (organizationId) slim.organization_id = organizationId;
  return slim;
}

export function toReducedUser(u: UserRow): sdk.ReducedUser {
  return {
    id: u.id,
    username: u.username,
    name: u.name,
    email: u.email,
    avatar_url: u.avatar_url,
    created_at: u.created_at.toISOString(),
    updated_at: u.updated_at.toISOString(),
    last_seen_at: u.last_seen_at.toISOString(),
    status: u.status,
    login_type: u.login_type === 'oauth2_provider_app' ? 'none' : u.login_type,
    theme_preference: u.theme_preference,
    is_service_account: u.is_service_account,
    has_ai_seat: false,
  };
}

export function toUser(u: UserRow): sdk.User {
  return { ...toReducedUser(u), organization_ids: u.organization_ids, roles: u.rbac_roles.map((r) => slimRole(r)) };
}
