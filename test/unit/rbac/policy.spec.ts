import { describe, expect, it } from '@jest/globals';
import { ACTIONS, POLICY, actionsOf, isResourceType, isValidAction } from '#rbac/policy.js';
import { ORG_ROLES, SITE_ROLES, findRole, permissions, type RoleDefinition } from '#rbac/roles.js';

// Reference §5, resource -> actions. A drift in the table (a lost resource or action) fails here.
const EXPECTED: Record<string, string> = {
  user: 'create read update delete read_personal update_personal',
  workspace: 'create read update delete start stop ssh application_connect create_agent delete_agent update_agent share use_shared',
  workspace_dormant: 'create read update delete start stop ssh application_connect create_agent delete_agent update_agent share use_shared',
  prebuilt_workspace: 'update delete', task: 'create read update delete', chat: 'create read update delete share',
  workspace_proxy: 'create read update delete', license: 'create read delete', audit_log: 'read create',
  connection_log: 'read update', deployment_config: 'read update', deployment_stats: 'read', replicas: 'read',
  template: 'create use read update delete view_insights', group: 'create read update delete', group_member: 'read',
  file: 'create read', provisioner_daemon: 'create read update delete', provisioner_jobs: 'read update create',
  organization: 'create read update delete', organization_member: 'create read update delete', debug_info: 'read',
  system: 'create read update delete', api_key: 'create read update delete', tailnet_coordinator: 'create read update delete',
  assign_role: 'assign unassign read', assign_org_role: 'assign unassign create read update delete',
  oauth2_app: 'create read update delete', oauth2_app_secret: 'create read update delete',
  oauth2_app_code_token: 'create read delete', notification_message: 'create read update delete',
  notification_template: 'read update', notification_preference: 'read update', webpush_subscription: 'create read delete',
  inbox_notification: 'create read update', crypto_key: 'create read update delete', idpsync_settings: 'read update',
  workspace_agent_resource_monitor: 'read create update', workspace_agent_devcontainers: 'create',
  user_secret: 'create read update delete', usage_event: 'create read update', aibridge_interception: 'read update create',
  ai_model_price: 'read update', ai_provider: 'create read update delete', ai_seat: 'create read',
  boundary_log: 'create read delete', ai_gateway_key: 'create read update delete', ai_gateway_coderd_key: 'create read delete',
  boundary_usage: 'read update delete', workspace_build_orchestration: 'create read update delete',
};
const words = (s: string) => s.split(' ').sort();

describe('policy table', () => {
  it('has exactly the reference resource types', () => {
    expect(Object.keys(POLICY).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s has exactly the reference actions', (type, actions) => {
    expect(isResourceType(type)).toBe(true);
    if (!isResourceType(type)) return;
    expect([...actionsOf(type)].sort()).toEqual(words(actions));
  });

  it('describes every resource and action with a sentence', () => {
    for (const [type, entry] of Object.entries(POLICY)) {
      expect(`${type}: ${entry.description}`).toMatch(/^\w+: [A-Z].*\.$/);
      for (const text of Object.values(entry.actions) as string[]) expect(text).toMatch(/^[A-Z].*\.$/);
    }
  });

  it('uses every action somewhere, and only known actions', () => {
    const used = new Set(Object.values(POLICY).flatMap((e) => Object.keys(e.actions)));
    expect([...used].sort()).toEqual([...ACTIONS].sort());
  });

  it.each([
    ['workspace', true], ['template', true], ['toString', false], ['__proto__', false], ['workspaces', false],
  ])('isResourceType(%s) = %s', (s, expected) => {
    expect(isResourceType(s)).toBe(expected);
  });

  it.each([
    ['template', 'use', true], ['workspace', 'use', false], ['workspace', 'ssh', true],
    ['user', 'read_personal', true], ['license', 'update', false], ['file', 'toString', false],
  ] as const)('isValidAction(%s, %s) = %s', (type, action, expected) => {
    expect(isValidAction(type, action)).toBe(expected);
  });
});

describe('built-in roles', () => {
  const all: RoleDefinition[] = [...Object.values(SITE_ROLES), ...Object.values(ORG_ROLES)];

  it('every permission names a real resource/action or *', () => {
    for (const role of all) {
      for (const p of [...role.site, ...role.org, ...role.user]) {
        const where = `${role.name}: ${p.resource_type}:${p.action}`;
        if (p.resource_type === '*') {
          expect([where, p.action === '*' || (ACTIONS as readonly string[]).includes(p.action)]).toEqual([where, true]);
        } else {
          expect([where, isResourceType(p.resource_type)]).toEqual([where, true]);
          expect([where, p.action === '*' || isValidAction(p.resource_type, p.action)]).toEqual([where, true]);
        }
      }
    }
  });

  it('has Coder names, display names and levels', () => {
    const summary = (t: Record<string, RoleDefinition>) =>
      Object.entries(t).map(([k, r]) => [k, r.name, r.display_name, r.level]);
    expect(summary(SITE_ROLES)).toEqual([
      ['owner', 'owner', 'Owner', 'site'],
      ['member', 'member', 'Member', 'site'],
      ['auditor', 'auditor', 'Auditor', 'site'],
      ['template-admin', 'template-admin', 'Template Admin', 'site'],
      ['user-admin', 'user-admin', 'User Admin', 'site'],
    ]);
    expect(summary(ORG_ROLES)).toEqual([
      ['organization-admin', 'organization-admin', 'Organization Admin', 'organization'],
      ['organization-auditor', 'organization-auditor', 'Organization Auditor', 'organization'],
      ['organization-user-admin', 'organization-user-admin', 'Organization User Admin', 'organization'],
      ['organization-template-admin', 'organization-template-admin', 'Organization Template Admin', 'organization'],
      ['organization-member', 'organization-member', 'Organization Member', 'organization'],
      ['organization-workspace-creation-ban', 'organization-workspace-creation-ban', 'Organization Workspace Creation Ban', 'organization'],
    ]);
  });

  it('site roles carry no org-level permissions', () => {
    for (const r of Object.values(SITE_ROLES)) expect([r.name, r.org]).toEqual([r.name, []]);
  });

  it('workspace creation ban is org-level negation only', () => {
    const ban = ORG_ROLES['organization-workspace-creation-ban'];
    expect(ban.org).toEqual(permissions('workspace', ['create', 'delete', 'create_agent', 'delete_agent'], true));
    expect([...ban.site, ...ban.user]).toEqual([]);
  });

  it('owner gets no wildcard on excluded resources', () => {
    const wild = SITE_ROLES.owner.site.filter((p) => p.action === '*').map((p) => p.resource_type);
    for (const r of ['workspace', 'user_secret', 'usage_event', 'ai_seat', 'boundary_usage']) expect(wild).not.toContain(r);
    expect(wild).toContain('license');
  });

  it.each([
    ['owner', 'site', 'owner'], ['owner', 'organization', undefined], ['organization-admin', 'organization', 'organization-admin'],
    ['organization-admin', 'site', undefined], ['constructor', 'site', undefined], ['nope', 'organization', undefined],
  ] as const)('findRole(%s, %s) -> %s', (name, level, expected) => {
    expect(findRole(name, level)?.name).toBe(expected);
  });

  it('permissions() builds one entry per action', () => {
    expect(permissions('file', ['create', 'read'])).toEqual([
      { negate: false, resource_type: 'file', action: 'create' },
      { negate: false, resource_type: 'file', action: 'read' },
    ]);
  });
});
