export interface Permission {
  negate: boolean;
  resource_type: string;
  action: string;
}

export interface AssignableRoles {
  name: string;
  display_name: string;
  organization_id?: string;
  site_permissions: Permission[];
  organization_permissions: Permission[];
  user_permissions: Permission[];
  organization_member_permissions?: Permission[];
  assignable: boolean;
  built_in: boolean;
}

export interface AuthorizationObject {
  resource_type: string;
  owner_id?: string;
  organization_id?: string;
  resource_id?: string;
  any_org?: boolean;
}

export interface AuthorizationCheck {
  object: AuthorizationObject;
  action: string;
}

export interface AuthorizationRequest {
  checks: Record<string, AuthorizationCheck>;
}

export type AuthorizationResponse = Record<string, boolean>;

export interface BuildInfoResponse {
  external_url: string;
  version: string;
  dashboard_url: string;
  workspace_proxy: boolean;
  agent_api_version: string;
  provisioner_api_version: string;
  upgrade_message: string;
  deployment_id: string;
  telemetry: boolean;
}

export interface Response {
  message: string;
  detail?: string;
  validations?: { field: string; detail: string }[];
}
