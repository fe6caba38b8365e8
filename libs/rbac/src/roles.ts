// Built-in roles (reference §5, Coder's coderd/rbac/roles.go). Permissions are granted at three
// levels: site (everything), org (objects of the role's organization) and user (objects the
// subject owns; for an organization role only owned objects inside that organization).
import { type Action, type ResourceType, RESOURCE_TYPES, actionsOf } from './policy.js';

export interface Permission {
  negate: boolean;
  resource_type: ResourceType | '*';
  action: Action | '*';
}

export interface RoleDefinition {
  name: string;
  display_name: string;
  level: 'site' | 'organization';
  site: Permission[];
  org: Permission[];
  user: Permission[];
}

export function permissions(
  resource: ResourceType | '*',
  actions: ReadonlyArray<Action | '*'>,
  negate = false,
): Permission[] {
  return actions.map((action) => ({ negate, resource_type: resource, action }));
}

/** Build a permission list from a `{ resource: actions }` map. */
function grants(map: Partial<Record<ResourceType, ReadonlyArray<Action | '*'>>>): Permission[] {
  return (Object.entries(map) as Array<[ResourceType, Array<Action | '*'>]>).flatMap(([r, a]) => permissions(r, a));
}

/** `*` on every resource type except the given ones (Coder's allPermsExcept). */
function allExcept(...excluded: ResourceType[]): Permission[] {
  return RESOURCE_TYPES.filter((r) => !excluded.includes(r)).flatMap((r) => permissions(r, ['*']));
}

const workspaceAll = actionsOf('workspace');
const workspaceNoExec = workspaceAll.filter((a) => a !== 'ssh' && a !== 'application_connect');
// What owners (and, by our choice, org admins and members on their own) may do to a dormant
// workspace: no start, no ssh/app access until it is activated again.
const dormantActions: Action[] = ['read', 'delete', 'create', 'update', 'stop', 'create_agent', 'delete_agent', 'update_agent'];
const readOnly: Action[] = ['read'];
const crud: Action[] = ['create', 'read', 'update', 'delete'];

function role(name: string, display_name: string, level: RoleDefinition['level'], p: Partial<Pick<RoleDefinition, 'site' | 'org' | 'user'>>): RoleDefinition {
  return { name, display_name, level, site: p.site ?? [], org: p.org ?? [], user: p.user ?? [] };
}

export const SITE_ROLES: Record<string, RoleDefinition> = {
  // Owner: everything, except that workspaces and personal data are granted explicitly.
  // Coder drops ssh/application_connect with DisableOwnerWorkspaceExec; we have no such flag yet.
  owner: role('owner', 'Owner', 'site', {
    site: [
      ...allExcept(
        'workspace', 'workspace_dormant', 'prebuilt_workspace', 'user_secret', 'usage_event',
        'boundary_log', 'boundary_usage', 'ai_seat', 'ai_gateway_key',
      ),
      ...grants({
        workspace: workspaceAll,
        workspace_dormant: dormantActions,
        prebuilt_workspace: ['update', 'delete'],
        ai_gateway_key: ['create', 'read', 'delete'],
        boundary_log: ['read'],
      }),
    ],
  }),
  // Member: every real user. Own objects only, never own workspaces here: workspace rights are
  // granted per organization by organization-member.
  member: role('member', 'Member', 'site', {
    site: grants({ assign_role: readOnly, oauth2_app: readOnly, workspace_proxy: readOnly }),
    user: [
      // provisioner_daemon is excluded from `*` because it gets a narrower set below.
      ...allExcept(
        'workspace', 'workspace_dormant', 'prebuilt_workspace', 'user', 'organization_member',
        'boundary_log', 'boundary_usage', 'aibridge_interception', 'chat', 'ai_seat', 'provisioner_daemon',
      ),
      ...grants({
        user: ['read', 'read_personal', 'update_personal'],
        provisioner_daemon: ['read', 'create', 'update'],
        // Members record their own interceptions but cannot read them back.
        aibridge_interception: ['create', 'update'],
        boundary_log: ['create'],
      }),
    ],
  }),
  auditor: role('auditor', 'Auditor', 'site', {
    site: grants({
      audit_log: readOnly,
      connection_log: readOnly,
      template: ['read', 'view_insights'],
      user: readOnly,
      group: readOnly,
      group_member: readOnly,
      organization: readOnly,
      organization_member: readOnly,
      deployment_stats: readOnly,
      deployment_config: readOnly,
      aibridge_interception: readOnly,
      boundary_log: readOnly,
      assign_org_role: readOnly,
    }),
  }),
  'template-admin': role('template-admin', 'Template Admin', 'site', {
    site: grants({
      template: ['*'],
      file: ['create', 'read'],
      workspace: readOnly,
      workspace_dormant: readOnly,
      prebuilt_workspace: ['update', 'delete'],
      provisioner_daemon: ['*'],
      user: readOnly,
      group: readOnly,
      group_member: readOnly,
      organization: readOnly,
      organization_member: readOnly,
    }),
  }),
  'user-admin': role('user-admin', 'User Admin', 'site', {
    site: grants({
      assign_role: ['assign', 'unassign', 'read'],
      assign_org_role: ['assign', 'unassign', 'read'],
      user: [...crud, 'read_personal', 'update_personal'],
      group: crud,
      group_member: readOnly,
      organization: readOnly,
      organization_member: crud,
      idpsync_settings: ['read', 'update'],
    }),
  }),
};

export const ORG_ROLES: Record<string, RoleDefinition> = {
  // Dormant and prebuilt workspace rights are not spelled out in the reference; we give the
  // admin of an organization the owner's set so that it can clean up its own organization.
  'organization-admin': role('organization-admin', 'Organization Admin', 'organization', {
    site: grants({ user: readOnly }),
    org: [
      ...allExcept(
        'workspace', 'workspace_dormant', 'prebuilt_workspace', 'assign_role', 'user_secret',
        'boundary_log', 'boundary_usage', 'ai_seat',
      ),
      ...grants({ workspace: workspaceNoExec, workspace_dormant: dormantActions, prebuilt_workspace: ['update', 'delete'] }),
    ],
  }),
  // The org-scoped part of the auditor role.
  'organization-auditor': role('organization-auditor', 'Organization Auditor', 'organization', {
    org: grants({
      audit_log: readOnly,
      connection_log: readOnly,
      template: ['read', 'view_insights'],
      group: readOnly,
      group_member: readOnly,
      organization: readOnly,
      organization_member: readOnly,
      assign_org_role: readOnly,
    }),
  }),
  // Needs site user:read to find the users it adds to the organization.
  'organization-user-admin': role('organization-user-admin', 'Organization User Admin', 'organization', {
    site: grants({ user: readOnly }),
    org: grants({
      assign_org_role: ['assign', 'unassign', 'read'],
      organization_member: crud,
      group: ['*'],
      group_member: ['*'],
      idpsync_settings: ['read', 'update'],
    }),
  }),
  // The org-scoped part of the template-admin role (user:read stays site-wide as for template-admin).
  'organization-template-admin': role('organization-template-admin', 'Organization Template Admin', 'organization', {
    site: grants({ user: readOnly }),
    org: grants({
      template: ['*'],
      file: ['create', 'read'],
      workspace: readOnly,
      workspace_dormant: readOnly,
      prebuilt_workspace: ['update', 'delete'],
      provisioner_daemon: ['*'],
      group: readOnly,
      group_member: readOnly,
      organization: readOnly,
      organization_member: readOnly,
    }),
  }),
  // Implied for every member of an organization. Our choice (the reference is silent):
  // - org level: read the organization, its members, its roles and its provisioner daemons;
  // - templates are NOT granted here: as in Coder they are readable/usable through the template
  //   ACL (the Everyone group, aclGroups[orgId]), so that template permissions can be restricted;
  // - user level (own objects in this org): full rights on own workspaces (Coder moves these to
  //   organization-workspace-access, which we do not model) and the owner's dormant set.
  'organization-member': role('organization-member', 'Organization Member', 'organization', {
    org: grants({
      organization: readOnly,
      organization_member: readOnly,
      assign_org_role: readOnly,
      provisioner_daemon: readOnly,
    }),
    user: grants({ workspace: ['*'], workspace_dormant: dormantActions }),
  }),
  // Org-level negation: beats organization-member's user-level workspace rights in that org.
  'organization-workspace-creation-ban': role(
    'organization-workspace-creation-ban',
    'Organization Workspace Creation Ban',
    'organization',
    { org: permissions('workspace', ['create', 'delete', 'create_agent', 'delete_agent'], true) },
  ),
};

/**
 * Roles of the server's own background jobs (system subjects): resolvable, never listed or
 * assignable. Each grants only what its job does; purges act on the `system` resource, as Coder's.
 */
const SYSTEM_ROLES: Record<string, RoleDefinition> = {
  'system:retention': role('system:retention', 'Data retention (system)', 'site', { site: grants({ system: ['delete'] }) }),
  'system:job-reaper': role('system:job-reaper', 'Hung provisioner job reaper (system)', 'site', { site: grants({ provisioner_jobs: ['update'] }) }),
  // Builds for workspaces' schedules: starts, stops, dormancy and deletes; reads their templates.
  'system:lifecycle-executor': role('system:lifecycle-executor', 'Workspace lifecycle executor (system)', 'site', {
    site: grants({ workspace: ['read', 'update', 'start', 'stop', 'delete'], workspace_dormant: ['read', 'update', 'stop', 'delete'], template: ['read'] }),
  }),
};

/** A role users can hold (and so be assigned); system roles are not among them. */
export function findRole(name: string, level: 'site' | 'organization'): RoleDefinition | undefined {
  const table = level === 'site' ? SITE_ROLES : ORG_ROLES;
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

/** What authorization resolves role names with: user roles, plus the system roles of background jobs. */
export function resolveRole(name: string, level: 'site' | 'organization'): RoleDefinition | undefined {
  if (level === 'site' && Object.hasOwn(SYSTEM_ROLES, name)) return SYSTEM_ROLES[name];
  return findRole(name, level);
}
