import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { currentAuditScope, type RequestFacts } from '#httpapi/audit-scope.js';
import { NIL_UUID, UUID_RE } from '#httpapi/pagination.js';
import type { AuditEntry, Auditor } from '#coderd/audit/auditor.js';
import { auditDiff } from './audit-diff.js';
import { AUDIT_TABLE } from './audit-table.js';
import type { AuditLogsRepository, InsertAuditLog } from './audit-logs.repository.js';

const IP_RE = /^[0-9a-f:.]+$/i;

/** Background work has no request: its rows carry the nil request id and no client. */
const NO_REQUEST: RequestFacts = { requestId: NIL_UUID, ip: '', userAgent: '' };

/**
 * The licensed auditor: one audit_logs row per audited change, with its diff. The diff is taken when
 * the change is recorded (the states are the service's); the row is written when the request's
 * status is known. A failed write is logged, never turned into a failed request: the change
 * itself has been made.
 */
export class DbAuditor implements Auditor {
  readonly kind = 'database';
  private readonly log = new Logger('audit');

  constructor(private readonly repo: AuditLogsRepository) {}

  record(entry: AuditEntry): void {
    const time = new Date();
    const diff = auditDiff(AUDIT_TABLE[entry.resource_type], entry.old, entry.new);
    const scope = currentAuditScope();
    const write = (status: number) => this.write(this.row(entry, diff, time, scope ?? NO_REQUEST, status));
    if (scope) scope.pending.push(write);
    else void write(200);
  }

  private row(entry: AuditEntry, diff: Record<string, unknown>, time: Date, req: RequestFacts, status: number): InsertAuditLog {
    return {
      id: randomUUID(),
      time,
      user_id: entry.user_id ?? null,
      organization_id: entry.organization_id ?? null,
      ip: IP_RE.test(req.ip) ? req.ip : null,
      user_agent: req.userAgent.slice(0, 256),
      resource_type: entry.resource_type,
      resource_id: entry.resource_id,
      resource_target: entry.resource_target,
      resource_icon: entry.resource_icon ?? '',
      action: entry.action,
      diff,
      status_code: status,
      additional_fields: entry.additional_fields ?? {},
      request_id: UUID_RE.test(req.requestId) ? req.requestId : NIL_UUID,
    };
  }

  private async write(row: InsertAuditLog): Promise<void> {
    try {
      await this.repo.insert([row]);
    } catch (err) {
      this.log.error(`writing the audit log failed (${row.action} ${row.resource_type} ${row.resource_id}): ${String(err)}`);
    }
  }
}
