import { NIL_UUID } from '#httpapi/pagination.js';
import type * as sdk from '#sdk/logs.js';
import { toUser } from '#coderd/users/user.mapper.js';
import type { AuditLogRow } from './audit-logs.repository.js';

/** Coder's past-tense verbs (AuditAction.Friendly). */
const VERB: Record<string, string> = {
  create: 'created',
  write: 'updated',
  delete: 'deleted',
  start: 'started',
  stop: 'stopped',
  login: 'logged in',
  logout: 'logged out',
  register: 'registered',
  request_password_reset: 'password reset',
};

/** Coder's resource names in sentences (ResourceType.FriendlyString), and ours in the same style. */
const NOUN: Record<string, string> = {
  user: 'user',
  organization: 'organization',
  organization_member: 'organization member',
  group: 'group',
  api_key: 'token',
  license: 'license',
  template: 'template',
  template_version: 'template version',
  workspace: 'workspace',
  workspace_build: 'workspace',
  oauth2_provider_app: 'OAuth2 app',
  oauth2_provider_app_secret: 'OAuth2 app secret',
  custom_role: 'custom role',
  provisioner_key: 'provisioner key',
  ai_gateway_coderd_key: 'AI gateway coderd key',
  group_ai_budget: 'group AI budget',
  user_ai_budget_override: 'user AI budget override',
};

/**
 * Coder's description: "{user} updated workspace {target}", "{user} unsuccessfully attempted to
 * write workspace {target}", "{user} logged in". The placeholders stay for the client to fill.
 */
export function auditDescription(r: Pick<AuditLogRow, 'action' | 'resource_type' | 'status_code'>): string {
  let d = r.action === 'request_password_reset' ? '' : '{user} ';
  if (r.status_code >= 400) d += `unsuccessfully attempted to ${r.action}`;
  else if (r.status_code === 303) d += `was redirected attempting to ${r.action}`;
  else d += VERB[r.action] ?? r.action;
  if (r.resource_type === 'api_key' && ['login', 'logout', 'register'].includes(r.action)) return d;
  return `${d} ${NOUN[r.resource_type] ?? r.resource_type} {target}`;
}

/** Where the web client shows the resource ("" when it has no page, or is gone). */
export function auditResourceLink(r: AuditLogRow): string {
  if (r.is_deleted) return '';
  const extra = r.additional_fields;
  switch (r.resource_type) {
    case 'template':
      return r.link_org_name ? `/templates/${r.link_org_name}/${r.resource_target}` : `/templates/${r.resource_target}`;
    case 'user':
      return `/users?filter=${encodeURIComponent(`username:${r.resource_target}`)}`;
    case 'workspace':
      return r.link_owner_name ? `/@${r.link_owner_name}/${r.resource_target}` : '';
    case 'workspace_build': {
      const ws = typeof extra.workspace_name === 'string' ? extra.workspace_name : '';
      const n = extra.build_number;
      return r.link_owner_name && ws && n !== undefined ? `/@${r.link_owner_name}/${ws}/builds/${String(n)}` : '';
    }
    case 'oauth2_provider_app':
      return `/deployment/oauth2-provider/apps/${r.resource_id}`;
    case 'oauth2_provider_app_secret':
      return typeof extra.app_id === 'string' ? `/deployment/oauth2-provider/apps/${extra.app_id}` : '';
    default:
      return '';
  }
}

export function toAuditLog(r: AuditLogRow): sdk.AuditLog {
  const log: sdk.AuditLog = {
    id: r.id,
    request_id: r.request_id,
    time: r.time,
    ip: r.ip ?? '',
    user_agent: r.user_agent,
    resource_type: r.resource_type,
    resource_id: r.resource_id,
    resource_target: r.resource_target,
    resource_icon: r.resource_icon,
    action: r.action,
    diff: r.diff as sdk.AuditLog['diff'],
    status_code: r.status_code,
    additional_fields: r.additional_fields,
    description: auditDescription(r),
    resource_link: auditResourceLink(r),
    is_deleted: r.is_deleted,
    organization_id: r.organization_id ?? NIL_UUID,
    user: r.user ? toUser(r.user) : null,
  };
  if (r.organization) log.organization = r.organization;
  return log;
}
