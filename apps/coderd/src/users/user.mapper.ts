import { findRole } from '#rbac/roles.js';
import type * as sdk from '#sdk/users.js';
import type { ReducedUserRow, UserRow } from './users.repository.js';

const siteRoles = new Map<string, sdk.SlimRole>();

/** Site roles are the same few objects on every user; build each once. */
export function slimRole(name: string, organizationId?: string): sdk.SlimRole {
  if (!organizationId) {
    let slim = siteRoles.get(name);
    if (!slim) {
      slim = Object.freeze({ name, display_name: findRole(name, 'site')?.display_name ?? name });
      siteRoles.set(name, slim);
    }
    return slim;
  }
  return { name, display_name: findRole(name, 'organization')?.display_name ?? name, organization_id: organizationId };
}

export function toReducedUser(u: ReducedUserRow): sdk.ReducedUser {
  return {
    id: u.id,
    username: u.username,
    name: u.name,
    email: u.email,
    avatar_url: u.avatar_url,
    created_at: u.created_at,
    updated_at: u.updated_at,
    last_seen_at: u.last_seen_at,
    status: u.status,
    login_type: u.login_type === 'oauth2_provider_app' ? 'none' : u.login_type,
    theme_preference: u.theme_preference,
    is_service_account: u.is_service_account,
    // Strict: rows read by queries outside this folder may not select the column yet.
    has_ai_seat: u.has_ai_seat === true,
  };
}

export function toUser(u: UserRow): sdk.User {
  const user = toReducedUser(u) as sdk.User;
  user.organization_ids = u.organization_ids;
  user.roles = u.rbac_roles.map((r) => slimRole(r));
  return user;
}
