/** Injection token for the audit hook. AGPL: records nothing; enterprise: audit_log when licensed. */
export const AUDITOR = Symbol('AUDITOR');

export type AuditAction = 'create' | 'write' | 'delete' | 'login' | 'logout' | 'register';

/** One audited change, in Coder's audit vocabulary (resource_type, action, target). */
export interface AuditEntry {
  action: AuditAction;
  resource_type: string;
  resource_id: string;
  resource_target: string;
  user_id: string;
  organization_id?: string;
  additional_fields?: Record<string, unknown>;
}

export interface Auditor {
  /** Which implementation is active (for operators and tests). */
  readonly kind: string;
  record(entry: AuditEntry): void;
}

export class NopAuditor implements Auditor {
  readonly kind = 'nop';
  record(): void {}
}
