import { Logger } from '@nestjs/common';
import type { AuditEntry, Auditor } from '#coderd/audit/auditor.js';

/**
 * The licensed audit hook: one JSON line per audited change on the server log ("audit_log"), the
 * form Coder exports to SIEMs. Storing and querying audit logs is a later module.
 */
export class LogAuditor implements Auditor {
  readonly kind = 'log';
  private readonly log = new Logger('audit');

  record(entry: AuditEntry): void {
    this.log.log(JSON.stringify({ msg: 'audit_log', time: new Date().toISOString(), ...entry }));
  }
}
