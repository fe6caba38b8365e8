import { Type } from 'class-transformer';
import type * as sdk from '#sdk/organizations.js';
import { SlimRole } from '../users/users.dto.js';

export class Organization implements sdk.Organization {
  id: string;
  name: string;
  display_name: string;
  description: string;
  icon: string;
  created_at: string;
  updated_at: string;
  is_default: boolean;
}

export class OrganizationMember implements sdk.OrganizationMember {
  user_id: string;
  organization_id: string;
  created_at: string;
  updated_at: string;
  @Type(() => SlimRole)
  roles: SlimRole[];
}

export class OrganizationMemberWithUserData extends OrganizationMember implements sdk.OrganizationMemberWithUserData {
  username: string;
  name: string;
  avatar_url: string;
  email: string;
  @Type(() => SlimRole)
  global_roles: SlimRole[];
  last_seen_at: string;
  status: string;
  login_type: string;
  user_created_at: string;
  user_updated_at: string;
  is_service_account: boolean;
  /** Whether the user holds an AI seat: true once they have used AI features (AI Bridge, tasks). */
  has_ai_seat: boolean;
}

export class PaginatedMembersResponse implements sdk.PaginatedMembersResponse {
  members: OrganizationMemberWithUserData[];
  /** Total members, ignoring pagination. */
  count: number;
}
