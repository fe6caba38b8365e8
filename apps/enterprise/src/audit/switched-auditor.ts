import { FeatureSwitch } from '#entitlements/feature-switch.js';
import type { EntitlementsProvider } from '#entitlements/provider.js';
import { NopAuditor, type AuditEntry, type Auditor } from '#coderd/audit/auditor.js';
import { LogAuditor } from './log-auditor.js';

/** The AUDITOR the enterprise server installs: real while audit_log is enabled, no-op otherwise. */
export class SwitchedAuditor implements Auditor {
  private readonly switch: FeatureSwitch<Auditor>;

  constructor(entitlements: EntitlementsProvider) {
    this.switch = new FeatureSwitch<Auditor>('audit_log', new LogAuditor(), new NopAuditor(), entitlements);
  }

  get kind(): string {
    return this.switch.active.kind;
  }

  record(entry: AuditEntry): void {
    this.switch.active.record(entry);
  }
}
