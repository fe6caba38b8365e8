import type * as sdk from '#sdk/organizations.js';
import { slimRole } from '../users/user.mapper.js';
import type { MemberRow, OrganizationRow } from './organizations.repository.js';

export function toOrganization(o: OrganizationRow): sdk.Organization {
  return {
    id: o.id,
    name: o.name,
    display_name: o.display_name,
    description: o.description,
    icon: o.icon,
    created_at: o.created_at,
    updated_at: o.updated_at,
    is_default: o.is_default,
  };
}

export function toMember(m: MemberRow): sdk.OrganizationMember {
  return {
    user_id: m.user_id,
    organization_id: m.organization_id,
    created_at: m.created_at,
    updated_at: m.updated_at,
    roles: m.roles.map((r) => slimRole(r, m.organization_id)),
  };
}

export function toMemberWithUser(m: MemberRow): sdk.OrganizationMemberWithUserData {
  return {
    ...toMember(m),
    username: m.username,
    name: m.name,
    avatar_url: m.avatar_url,
    email: m.email,
    global_roles: m.global_roles.map((r) => slimRole(r)),
    last_seen_at: m.last_seen_at,
    status: m.status,
    login_type: m.login_type,
    user_created_at: m.user_created_at,
    user_updated_at: m.user_updated_at,
    is_service_account: m.is_service_account,
    has_ai_seat: m.has_ai_seat,
  };
}
