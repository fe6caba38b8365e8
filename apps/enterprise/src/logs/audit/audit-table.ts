import type { AuditResourceType } from '#coderd/audit/auditor.js';

/** How a field of an audited resource appears in the diff (Coder's enterprise/audit table). */
export type FieldMark = 'track' | 'secret';

/**
 * Per resource type, the fields (snake_case, as the repositories return them) that an audit diff
 * shows: `track` with old and new values, `secret` only as "changed" with both values blanked.
 * Every other field is ignored: ids, timestamps that change on every write, joined data. A field
 * that is added to a table stays out of the log until it is marked here, so a new secret column
 * cannot leak into it.
 */
export const AUDIT_TABLE: Record<AuditResourceType, Record<string, FieldMark>> = {
  user: {
    email: 'track',
    username: 'track',
    name: 'track',
    status: 'track',
    rbac_roles: 'track',
    login_type: 'track',
    avatar_url: 'track',
    is_service_account: 'track',
    deleted: 'track',
    hashed_password: 'secret',
  },
  organization: { name: 'track', display_name: 'track', description: 'track', icon: 'track', is_default: 'track', deleted: 'track' },
  organization_member: { user_id: 'track', organization_id: 'track', roles: 'track' },
  group: { name: 'track', display_name: 'track', avatar_url: 'track', quota_allowance: 'track', source: 'track', members: 'track' },
  api_key: {
    user_id: 'track',
    token_name: 'track',
    login_type: 'track',
    scopes: 'track',
    allow_list: 'track',
    lifetime_seconds: 'track',
    expires_at: 'track',
    created_at: 'track',
    last_used: 'track',
    hashed_secret: 'secret',
  },
  license: { uuid: 'track', exp: 'track', uploaded_at: 'track' },
  template: {
    name: 'track',
    display_name: 'track',
    description: 'track',
    icon: 'track',
    active_version_id: 'track',
    default_ttl_ms: 'track',
    activity_bump_ms: 'track',
    autostop_requirement: 'track',
    autostart_requirement: 'track',
    allow_user_autostart: 'track',
    allow_user_autostop: 'track',
    allow_user_cancel_workspace_jobs: 'track',
    failure_ttl_ms: 'track',
    time_til_dormant_ms: 'track',
    time_til_dormant_autodelete_ms: 'track',
    require_active_version: 'track',
    deprecation_message: 'track',
    max_port_share_level: 'track',
    use_classic_parameter_flow: 'track',
    user_acl: 'track',
    group_acl: 'track',
    deleted: 'track',
  },
  template_version: { name: 'track', message: 'track', template_id: 'track', archived: 'track' },
  workspace: {
    name: 'track',
    owner_id: 'track',
    template_id: 'track',
    autostart_schedule: 'track',
    ttl_ms: 'track',
    automatic_updates: 'track',
    dormant_at: 'track',
    deleting_at: 'track',
    favorite: 'track',
    deleted: 'track',
  },
  // As Coder: a build's diff says which version it built, nothing more.
  workspace_build: { template_version_id: 'track' },
  oauth2_provider_app: {
    name: 'track',
    icon: 'track',
    callback_url: 'track',
    redirect_uris: 'track',
    grant_types: 'track',
    client_type: 'track',
    scope: 'track',
    registration_access_token: 'secret',
  },
  // As Coder: a secret's row is its creation or deletion; none of its fields is shown.
  oauth2_provider_app_secret: { hashed_secret: 'secret' },
  custom_role: { name: 'track', display_name: 'track', site_permissions: 'track', org_permissions: 'track', user_permissions: 'track' },
  provisioner_key: { name: 'track', organization_id: 'track', tags: 'track', hashed_secret: 'secret' },
  ai_gateway_coderd_key: { name: 'track', hashed_secret: 'secret' },
  group_ai_budget: { spend_limit_micros: 'track', period: 'track' },
  user_ai_budget_override: { spend_limit_micros: 'track', period: 'track' },
};
