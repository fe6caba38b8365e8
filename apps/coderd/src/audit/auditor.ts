/** Injection token for the audit hook. AGPL: records nothing; enterprise: the audit log while licensed. */
export const AUDITOR = Symbol('AUDITOR');

/** Coder's audit actions (connect, disconnect, open and close went to the connection log). */
export const AUDIT_ACTIONS = ['create', 'write', 'delete', 'start', 'stop', 'login', 'logout', 'register', 'request_password_reset'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The kinds of resource this server audits, in Coder's names where Coder has one. */
export const AUDIT_RESOURCE_TYPES = [
  'user',
  'organization',
  'organization_member',
  'group',
  'api_key',
  'license',
  'template',
  'template_version',
  'workspace',
  'workspace_build',
  'oauth2_provider_app',
  'oauth2_provider_app_secret',
  'custom_role',
  'provisioner_key',
  'ai_gateway_coderd_key',
  'group_ai_budget',
  'user_ai_budget_override',
] as const;
export type AuditResourceType = (typeof AUDIT_RESOURCE_TYPES)[number];

/** A resource's fields as its repository returns them (snake_case keys): what the diff compares. */
export type AuditState = object;

/**
 * One audited change, in Coder's audit vocabulary. `old` and `new` are the resource before and after
 * (absent for a create's old and a delete's new); the auditor turns them into the row's diff, each
 * field tracked, ignored or redacted as its resource's audit table says.
 */
export interface AuditEntry {
  action: AuditAction;
  resource_type: AuditResourceType;
  resource_id: string;
  resource_target: string;
  resource_icon?: string;
  /** Who acted; undefined when nobody is known (a login attempt with an unknown name). */
  user_id: string | undefined;
  organization_id?: string;
  old?: AuditState;
  new?: AuditState;
  additional_fields?: Record<string, unknown>;
}

export interface Auditor {
  /** Which implementation is active (for operators and tests). */
  readonly kind: string;
  /**
   * Inside a request that changes state the row is written with the request's final status, before
   * the answer leaves; elsewhere (background work) at once, with status 200.
   */
  record(entry: AuditEntry): void;
}

export class NopAuditor implements Auditor {
  readonly kind = 'nop';
  record(): void {}
}
