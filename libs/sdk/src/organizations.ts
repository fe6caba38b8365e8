import type { SlimRole } from './users.js';

export interface MinimalOrganization {
  id: string;
  name: string;
  display_name: string;
  icon: string;
}

export interface Organization extends MinimalOrganization {
  description: string;
  created_at: string;
  updated_at: string;
  is_default: boolean;
}

export interface OrganizationMember {
  user_id: string;
  organization_id: string;
  created_at: string;
  updated_at: string;
  roles: SlimRole[];
}

export interface OrganizationMemberWithUserData extends OrganizationMember {
  username: string;
  name: string;
  avatar_url: string;
  email: string;
  global_roles: SlimRole[];
  last_seen_at: string;
  status: string;
  login_type: string;
  user_created_at: string;
  user_updated_at: string;
  is_service_account: boolean;
  has_ai_seat: boolean;
}

export interface PaginatedMembersResponse {
  members: OrganizationMemberWithUserData[];
  count: number;
}
