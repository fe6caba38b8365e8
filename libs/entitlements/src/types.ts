import type { FeatureName } from './features.js';

export type Entitlement = 'entitled' | 'grace_period' | 'not_entitled';

export interface UsagePeriod {
  issued_at: string;
  start: string;
  end: string;
}

/** One feature in GET /api/v2/entitlements (codersdk.Feature). */
export interface Feature {
  entitlement: Entitlement;
  enabled: boolean;
  limit?: number;
  actual?: number;
  usage_period?: UsagePeriod;
}

/** GET /api/v2/entitlements (codersdk.Entitlements). */
export interface Entitlements {
  features: Record<FeatureName, Feature>;
  warnings: string[];
  errors: string[];
  has_license: boolean;
  trial: boolean;
  require_telemetry: boolean;
  refreshed_at: string;
}

/**
 * License JWT claims, version 3 (enterprise/coderd/license). Times are JWT NumericDates (seconds).
 * `license_expires` ends the paid term and starts the grace period; `exp` ends the grace period.
 */
export interface LicenseClaims {
  jti?: string;
  iss?: string;
  sub?: string;
  iat?: number;
  nbf?: number;
  exp?: number;
  license_expires?: number;
  account_type?: string;
  account_id?: string;
  deployment_ids?: string[];
  trial?: boolean;
  feature_set?: '' | 'enterprise' | 'premium';
  all_features?: boolean;
  version?: number;
  features?: Record<string, number>;
  addons?: string[];
  require_telemetry?: boolean;
  publish_usage_data?: boolean;
  [claim: string]: unknown;
}

/** What the computation needs to know about the deployment right now. */
export interface EntitlementUsage {
  activeUsers: number;
  activeAiSeats: number;
  managedAgents: number;
  replicas: number;
  /** Configured external auth providers; more than one needs `multiple_external_auth`. Absent: 0. */
  externalAuthProviders?: number;
  /** Templates that use external agents; any needs `workspace_external_agent`. Absent: 0. */
  externalAgentTemplates?: number;
}

/** Deployment switches that turn entitled features on (Coder's enablements map). */
export type Enablements = Partial<Record<FeatureName, boolean>>;
