// Who may assign which role (reference §5 "Assignability", Coder's assignRoles) and the
// AssignableRoles listing of GET /users/roles and /organizations/{org}/members/roles.
import type { Authorizer } from './authorizer.js';
import { ORG_ROLES, type Permission, type RoleDefinition, SITE_ROLES, findRole } from './roles.js';
import { isOrgMember, type Subject } from './subject.js';

export interface AssignableRole {
  name: string;
  display_name: string;
  assignable: boolean;
  built_in: true;
  site_permissions: Permission[];
  organization_permissions: Permission[];
  user_permissions: Permission[];
}

export interface AssignableOrgRole extends AssignableRole {
  organization_id: string;
  organization_member_permissions: Permission[];
}

// `member` and `organization-member` are implied by being a user / an org member and are never
// stored, so the listings leave them out (Coder lists only explicitly assignable built-ins).
// canAssignRole still answers for them, following the assignability matrix.
const IMPLIED = new Set(['member', 'organization-member']);

/** The matrix alone: which roles the subject's own roles let it hand out. */
function matrixAllows(subject: Subject, role: string, orgId?: string): boolean {
  const site = subject.siteRoles;
  if (site.includes('owner')) return true;
  if (orgId === undefined) return site.includes('user-admin') && role === 'member';
  if (site.includes('user-admin') && role === 'organization-member') return true;
  const inOrg = isOrgMember(subject, orgId) ? subject.orgRoles[orgId] : [];
  if (inOrg.includes('organization-admin')) return true;
  return inOrg.includes('organization-user-admin') && role === 'organization-member';
}

function check(authz: Authorizer, subject: Subject, role: string, orgId: string | undefined, action: 'assign' | 'unassign'): boolean {
  // The role must exist at the level implied by orgId: a site role never has an org, and vice versa.
  if (!findRole(role, orgId === undefined ? 'site' : 'organization')) return false;
  if (!matrixAllows(subject, role, orgId)) return false;
  // ...and the subject must also hold the permission (this is where scopes and allow lists bite).
  return orgId === undefined
    ? authz.can(subject, action, { type: 'assign_role' })
    : authz.can(subject, action, { type: 'assign_org_role', orgId });
}

export function canAssignRole(authz: Authorizer, subject: Subject, role: string, orgId?: string): boolean {
  return check(authz, subject, role, orgId, 'assign');
}

export function canUnassignRole(authz: Authorizer, subject: Subject, role: string, orgId?: string): boolean {
  return check(authz, subject, role, orgId, 'unassign');
}

const copy = (perms: Permission[]): Permission[] =>
  perms.map((p) => ({ negate: p.negate, resource_type: p.resource_type, action: p.action }));

function listed(table: Record<string, RoleDefinition>): RoleDefinition[] {
  return Object.values(table)
    .filter((r) => !IMPLIED.has(r.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function assignableSiteRoles(authz: Authorizer, subject: Subject): AssignableRole[] {
  return listed(SITE_ROLES).map((r) => ({
    name: r.name,
    display_name: r.display_name,
    assignable: canAssignRole(authz, subject, r.name),
    built_in: true,
    site_permissions: copy(r.site),
    organization_permissions: [],
    user_permissions: copy(r.user),
  }));
}

export function assignableOrgRoles(authz: Authorizer, subject: Subject, orgId: string): AssignableOrgRole[] {
  return listed(ORG_ROLES).map((r) => ({
    name: r.name,
    organization_id: orgId,
    display_name: r.display_name,
    assignable: canAssignRole(authz, subject, r.name, orgId),
    built_in: true,
    site_permissions: copy(r.site),
    organization_permissions: copy(r.org),
    // An org role's user level is Coder's per-org "member" level; none of the listed roles has one.
    user_permissions: [],
    organization_member_permissions: copy(r.user),
  }));
}
