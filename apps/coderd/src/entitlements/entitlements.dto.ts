import type { FeatureName } from '#entitlements/features.js';
import type * as ent from '#entitlements/types.js';

export class UsagePeriod implements ent.UsagePeriod {
  issued_at: string;
  start: string;
  end: string;
}

export class FeatureDto implements ent.Feature {
  entitlement: ent.Entitlement;
  enabled: boolean;
  /** For limit features: the licensed limit. */
  limit?: number;
  /** For limit features: current usage (active users, AI seats, managed agents). */
  actual?: number;
  usage_period?: UsagePeriod;
}

export class EntitlementsResponse implements ent.Entitlements {
  /** Every feature by name (user_limit, audit_log, template_rbac, multiple_organizations, aibridge, ...). */
  features: Record<FeatureName, FeatureDto>;
  warnings: string[];
  errors: string[];
  has_license: boolean;
  trial: boolean;
  require_telemetry: boolean;
  refreshed_at: string;
}
