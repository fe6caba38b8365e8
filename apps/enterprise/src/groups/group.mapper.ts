import type { ReducedUser } from '#coderd/users/users.dto.js';
import type { Group } from './groups.dto.js';
import type { GroupRow } from './groups.repository.js';


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
