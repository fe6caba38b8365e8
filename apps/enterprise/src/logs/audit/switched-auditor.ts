import { FeatureSwitch } from '#entitlements/feature-switch.js';
import type { EntitlementsProvider } from '#entitlements/provider.js';
import { NopAuditor, type AuditEntry, type Auditor } from '#coderd/audit/auditor.js';
import type { AuditLogsRepository } from './audit-logs.repository.js';
import { DbAuditor } from './db-auditor.js';

/** The AUDITOR the enterprise server installs: the audit log while audit_log is enabled, no-op otherwise. */
export class SwitchedAuditor implements Auditor {
  private readonly switch: FeatureSwitch<Auditor>;

  constructor(entitlements: EntitlementsProvider, repo: AuditLogsRepository) {
    this.switch = new FeatureSwitch<Auditor>('audit_log', new DbAuditor(repo), new NopAuditor(), entitlements);
  }

  get kind(): string {
    return this.switch.active.kind;
  }

  record(entry: AuditEntry): void {
    this.switch.active.record(entry);
  }
}
