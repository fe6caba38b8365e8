import type * as sdk from '#sdk/rbac.js';

export class Permission implements sdk.Permission {
  negate: boolean;
  resource_type: string;
  action: string;
}

export class AssignableRoles implements sdk.AssignableRoles {
  name: string;
  display_name: string;
  organization_id?: string;
  site_permissions: Permission[];
  organization_permissions: Permission[];
  user_permissions: Permission[];
  organization_member_permissions?: Permission[];
  /** Whether the caller may assign this role. */
  assignable: boolean;
  built_in: boolean;
}
