/** Wire types, snake_case as Coder's codersdk JSON. Shared by the servers, the CLI and the tests. */
export type UserStatus = 'active' | 'suspended' | 'dormant';
export type LoginType = '' | 'password' | 'github' | 'oidc' | 'token' | 'none';

export interface MinimalUser {
  id: string;
  username: string;
  name: string;
  avatar_url: string;
}

export interface ReducedUser extends MinimalUser {
  email: string;
  created_at: string;
  updated_at: string;
  last_seen_at: string;
  status: UserStatus;
  login_type: LoginType;
  theme_preference: string;
  is_service_account: boolean;
  has_ai_seat: boolean;
}

export interface SlimRole {
  name: string;
  display_name: string;
  organization_id?: string;
}

export interface User extends ReducedUser {
  organization_ids: string[];
  roles: SlimRole[];
}

export interface GetUsersResponse {
  users: User[];
  count: number;
}

export interface CreateFirstUserRequest {
  email: string;
  username: string;
  name?: string;
  password: string;
  trial?: boolean;
}

export interface CreateFirstUserResponse {
  user_id: string;
  organization_id: string;
}

export interface LoginWithPasswordRequest {
  email: string;
  password: string;
}

export interface LoginWithPasswordResponse {
  session_token: string;
}

export interface AuthMethods {
  terms_of_service_url?: string;
  password: { enabled: boolean };
  github: { enabled: boolean; default_provider_configured: boolean };
  oidc: { enabled: boolean; signInText: string; iconUrl: string };
}
