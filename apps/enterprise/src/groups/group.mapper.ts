import type { ReducedUser } from '../../../coderd/src/users/users.dto.js';
import type { Group } from './groups.dto.js';
import type { GroupMemberRow, GroupRow } from './groups.repository.js';

export function toReducedUser(m: GroupMemberRow): ReducedUser {
  return {
    id: m.id,
    username: m.username,
    name: m.name,
    email: m.email,
    avatar_url: m.avatar_url,
    created_at: m.created_at,
    updated_at: m.updated_at,
    last_seen_at: m.last_seen_at,
    status: m.status,
    login_type: m.login_type === 'oauth2_provider_app' ? 'none' : m.login_type,
    theme_preference: m.theme_preference,
    is_service_account: m.is_service_account,
    has_ai_seat: false,
  };
}

export function toGroup(g: GroupRow, members: ReducedUser[], totalMemberCount: number): Group {
  return {
    id: g.id,
    name: g.name,
    display_name: g.display_name,
    organization_id: g.organization_id,
    members,
    total_member_count: totalMemberCount,
    avatar_url: g.avatar_url,
    quota_allowance: g.quota_allowance,
    source: g.source,
    organization_name: g.organization_name,
    organization_display_name: g.organization_display_name,
  };
}
