import {
  ALWAYS_ENABLED,
  ENTERPRISE_FEATURES,
  FEATURE_NAMES,
  LIMIT_FEATURES,
  PREMIUM_FEATURES,
  USAGE_PERIOD_FEATURES,
  featureDisplayName,
  isFeatureName,
  type FeatureName,
} from './features.js';
import type { Enablements, Entitlement, EntitlementUsage, Entitlements, Feature, LicenseClaims } from './types.js';

/**
 * One stored license: its verified claims, or why it could not be read. Verify with `ignoreNbf: true` so that
 * licenses for a future term arrive as claims (they count toward the expiry warning's validity window).
 */
export type LicenseInput = { uuid: string; claims: LicenseClaims } | { uuid: string; error: string };

/** Premium licenses without a managed agent claim get this many managed agents per licensed user. */
export const DEFAULT_MANAGED_AGENTS_PER_USER = 800;
/**
 * `issued_at` of the default managed agent limit: fixed, and older than any license carrying a managed agent
 * claim, so that a license with a real claim always wins over a default (usage-period features: newest wins).
 */
export const DEFAULT_MANAGED_AGENT_LIMIT_ISSUED_AT = '2025-07-01T00:00:00Z';

/** License add-ons: the features each grants, and the feature it needs already entitled. */
export const ADDONS: Readonly<Record<string, { features: readonly FeatureName[]; requires: FeatureName; displayName: string }>> = {
  ai_governance: { features: ['aibridge', 'boundary'], requires: 'ai_governance_user_limit', displayName: 'AI Governance' },
};

const DAY_MS = 24 * 60 * 60 * 1000;
const EXPIRY_WARNING_DAYS = 30;
const TRIAL_EXPIRY_WARNING_DAYS = 7;

/** Features with their own usage warnings, left out of the generic "is enabled but ..." warnings (as Coder). */
const OWN_WARNINGS: ReadonlySet<FeatureName> = new Set<FeatureName>([
  'user_limit',
  'ai_governance_user_limit',
  'high_availability',
  'multiple_external_auth',
  'managed_agent_limit',
]);

const WEIGHT: Record<Entitlement, number> = { entitled: 2, grace_period: 1, not_entitled: -1 };

/** Coder's Entitlement.Weight(): entitled 2, grace_period 1, not_entitled -1. */
export function entitlementWeight(e: Entitlement): number {
  return WEIGHT[e];
}

function capable(f: Feature): boolean {
  return f.limit === undefined || f.actual === undefined || f.limit >= f.actual;
}

/**
 * Coder's Feature.Compare: > 0 when `a` grants more than `b`. Usage-period features: the newer `issued_at` wins
 * (then the later end). Otherwise: capable (limit >= actual) beats incapable when neither is not_entitled, then
 * higher entitlement weight, then a limit over none and the higher limit, then enabled, then an actual over none
 * and the higher actual.
 */
export function compareFeatures(a: Feature, b: Feature): number {
  if (a.usage_period && b.usage_period) {
    const issued = Date.parse(a.usage_period.issued_at) - Date.parse(b.usage_period.issued_at);
    if (issued !== 0) return issued;
    const end = Date.parse(a.usage_period.end) - Date.parse(b.usage_period.end);
    if (end !== 0) return end;
  }
  const ac = capable(a);
  const bc = capable(b);
  if (ac !== bc && WEIGHT[a.entitlement] >= 0 && WEIGHT[b.entitlement] >= 0) return ac ? 1 : -1;
  const weight = WEIGHT[a.entitlement] - WEIGHT[b.entitlement];
  if (weight !== 0) return weight;
  if (a.limit !== b.limit) {
    if (a.limit === undefined) return -1;
    if (b.limit === undefined) return 1;
    return a.limit - b.limit;
  }
  if (a.enabled !== b.enabled) return a.enabled ? 1 : -1;
  if (a.actual !== b.actual) {
    if (a.actual === undefined) return -1;
    if (b.actual === undefined) return 1;
    return a.actual - b.actual;
  }
  return 0;
}

/** RFC 3339 as Go writes a time.Time: no fractional part when it is zero ("2026-01-02T03:04:05Z"). */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

function numericDate(v: unknown): number | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
  const ms = v * 1000;
  return Math.abs(ms) <= 8.64e15 ? ms : undefined;
}

interface Times {
  iat: number;
  nbf: number;
  exp: number;
  licenseExpires: number;
}

function licenseTimes(c: LicenseClaims): Times | string {
  const iat = numericDate(c.iat);
  const nbf = numericDate(c.nbf);
  const exp = numericDate(c.exp);
  const licenseExpires = numericDate(c.license_expires);
  if (iat === undefined) return 'license has an invalid or missing iat (issued at) claim';
  if (nbf === undefined) return 'license has an invalid or missing nbf (not before) claim';
  if (licenseExpires === undefined) return 'license has an invalid or missing license_expires claim';
  if (exp === undefined) return 'license has an invalid or missing exp (expires at) claim';
  return { iat, nbf, exp, licenseExpires };
}

/**
 * The entitlements granted by `licenses` (Coder's LicensesEntitlements), pure: no I/O, no clock but `now`.
 *
 * `licenses` in upload order (the last valid license decides `trial`). `enablements` are the deployment's
 * switches; always-enabled features count as enabled. Expired licenses (exp <= now) are ignored.
 */
export function computeEntitlements(
  licenses: readonly LicenseInput[],
  usage: EntitlementUsage,
  now: Date,
  enablements: Enablements = {},
): Entitlements {
  const nowMs = now.getTime();
  const isEnabled = (f: FeatureName) => enablements[f] === true || ALWAYS_ENABLED.includes(f);

  const features = {} as Record<FeatureName, Feature>;
  for (const f of FEATURE_NAMES) features[f] = { entitlement: 'not_entitled', enabled: isEnabled(f) };
  features.user_limit.actual = usage.activeUsers;

  const add = (name: FeatureName, feature: Feature) => {
    if (compareFeatures(feature, features[name]) > 0) features[name] = feature;
  };

  const warnings: string[] = [];
  const errors: string[] = [];
  let hasLicense = false;
  let trial = false;
  let requireTelemetry = false;
  let aiGovernanceAddon = false;
  /** [start, end] of every valid or future license: nbf .. license_expires. */
  const validity: Array<[number, number]> = [];

  for (const license of licenses) {
    if ('error' in license) {
      errors.push(`Invalid license (${license.uuid}) parsing claims: ${license.error}`);
      continue;
    }
    const claims = license.claims;
    const times = licenseTimes(claims);
    if (typeof times === 'string') {
      errors.push(`Invalid license (${license.uuid}) parsing claims: ${times}`);
      continue;
    }
    if (times.exp <= nowMs) continue; // expired: past its grace period
    if (times.nbf <= times.licenseExpires) validity.push([times.nbf, times.licenseExpires]);
    if (times.nbf > nowMs) continue; // a future term: no entitlements yet

    hasLicense = true;
    requireTelemetry ||= claims.require_telemetry === true;
    trial = claims.trial === true;
    const entitlement: Entitlement = nowMs > times.licenseExpires ? 'grace_period' : 'entitled';
    const usagePeriod = { issued_at: rfc3339(times.iat), start: rfc3339(times.nbf), end: rfc3339(times.exp) };
    const claimed: Record<string, unknown> = claims.features ?? {};

    const featureSet = claims.feature_set || (claims.all_features === true ? 'enterprise' : '');
    const setFeatures = featureSet === 'premium' ? PREMIUM_FEATURES : featureSet === 'enterprise' ? ENTERPRISE_FEATURES : [];
    for (const f of setFeatures) {
      if (LIMIT_FEATURES.includes(f) || USAGE_PERIOD_FEATURES.includes(f)) continue;
      add(f, { entitlement, enabled: isEnabled(f) });
    }

    // Premium without any managed agent claim: a default limit, 800 per licensed user, over the license's term.
    const userLimit = claimed.user_limit;
    const hasAgentClaim = [claimed.managed_agent_limit, claimed.managed_agent_limit_soft].some(
      (v) => typeof v === 'number' && v >= 0,
    );
    if (featureSet === 'premium' && !hasAgentClaim && typeof userLimit === 'number' && userLimit > 0) {
      add('managed_agent_limit', {
        entitlement,
        enabled: true,
        limit: DEFAULT_MANAGED_AGENTS_PER_USER * userLimit,
        usage_period: { ...usagePeriod, issued_at: DEFAULT_MANAGED_AGENT_LIMIT_ISSUED_AT },
      });
    }

    // À la carte.
    for (const [claimName, value] of Object.entries(claimed)) {
      // Legacy soft limit → the limit. The legacy `managed_agent_limit_hard` is no feature name: ignored below.
      const name = claimName === 'managed_agent_limit_soft' ? 'managed_agent_limit' : claimName;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) continue;
      if (!isFeatureName(name)) continue; // retired, or newer than this server
      if (USAGE_PERIOD_FEATURES.includes(name)) {
        add(name, { entitlement, enabled: value > 0, limit: value, usage_period: { ...usagePeriod } });
      } else if (LIMIT_FEATURES.includes(name)) {
        if (value <= 0) continue;
        const feature: Feature = { entitlement, enabled: true, limit: value };
        if (name === 'user_limit') feature.actual = usage.activeUsers;
        if (name === 'ai_governance_user_limit') feature.actual = usage.activeAiSeats;
        add(name, feature);
      } else if (value > 0) {
        add(name, { entitlement, enabled: isEnabled(name) });
      }
    }

    // Add-ons last, so that their dependencies are checked against everything granted so far.
    for (const addon of claims.addons ?? []) {
      const spec = Object.hasOwn(ADDONS, addon) ? ADDONS[addon] : undefined;
      if (!spec) continue; // unknown add-on: newer than this server
      if (addon === 'ai_governance') aiGovernanceAddon = true;
      if (features[spec.requires].entitlement === 'not_entitled') {
        errors.push(
          `Invalid license (${license.uuid}): the ${spec.displayName} add-on requires the ${featureDisplayName(spec.requires)} feature; the add-on is ignored.`,
        );
        continue;
      }
      for (const f of spec.features) add(f, { entitlement, enabled: isEnabled(f) });
    }
  }

  // Managed agents are counted once a license sets a usage period for them.
  const agents = features.managed_agent_limit;
  if (hasLicense && agents.usage_period) features.managed_agent_limit = { ...agents, actual: usage.managedAgents };

  const expiry = expiryWarning(validity, nowMs, trial);
  if (expiry) warnings.push(expiry);

  if (usage.replicas > 1) {
    const e = features.high_availability.entitlement;
    if (e === 'not_entitled') {
      errors.push(
        hasLicense
          ? 'You have multiple replicas but your license is not entitled to high availability. You will be unable to connect to workspaces.'
          : 'You have multiple replicas but high availability is an Enterprise feature. You will be unable to connect to workspaces.',
      );
    } else if (e === 'grace_period') {
      warnings.push(
        'You have multiple replicas but your license for high availability is expired. Reduce to one replica or workspace connections will stop working.',
      );
    }
  }

  if ((usage.externalAuthProviders ?? 0) > 1) {
    const e = features.multiple_external_auth.entitlement;
    if (e === 'not_entitled') {
      errors.push(
        hasLicense
          ? 'You have multiple External Auth Providers configured but your license is limited at one.'
          : 'You have multiple External Auth Providers configured but this is an Enterprise feature. Reduce to one.',
      );
    } else if (e === 'grace_period') {
      warnings.push('You have multiple External Auth Providers configured but your license is expired. Reduce to one.');
    }
  }

  if ((usage.externalAgentTemplates ?? 0) > 0) {
    const e = features.workspace_external_agent.entitlement;
    if (e === 'not_entitled') {
      errors.push('You have templates which use external agents but your license is not entitled to this feature.');
    } else if (e === 'grace_period') {
      warnings.push('You have templates which use external agents but your license is expired.');
    }
  }

  if (hasLicense) {
    const users = features.user_limit;
    if (users.limit !== undefined && usage.activeUsers > users.limit) {
      warnings.push(`Your deployment has ${usage.activeUsers} active users but is only licensed for ${users.limit}.`);
    } else if (users.limit !== undefined && users.entitlement === 'grace_period') {
      warnings.push(`Your deployment has ${usage.activeUsers} active users but the license with the limit ${users.limit} is expired.`);
    }

    const seats = features.ai_governance_user_limit;
    if (usage.activeAiSeats > 0 && seats.entitlement !== 'not_entitled' && seats.limit !== undefined) {
      if (seats.entitlement === 'grace_period') {
        warnings.push(
          `Your deployment has ${usage.activeAiSeats} active AI Governance seats but the license with the limit ${seats.limit} is expired.`,
        );
      }
      const seatWarning = aiSeatWarning(usage.activeAiSeats, seats.limit);
      if (seatWarning) warnings.push(seatWarning);
    }

    for (const f of FEATURE_NAMES) {
      if (OWN_WARNINGS.has(f)) continue;
      const feature = features[f];
      // Not entitled: only what the deployment switched on itself (always-enabled features have no switch).
      if (feature.entitlement === 'not_entitled' && enablements[f] === true) {
        warnings.push(`${featureDisplayName(f)} is enabled but your license is not entitled to this feature.`);
      } else if (feature.entitlement === 'grace_period' && feature.enabled) {
        warnings.push(`${featureDisplayName(f)} is enabled but your license for this feature is expired.`);
      }
    }

    const bridge = features.aibridge;
    if (bridge.enabled && bridge.entitlement !== 'not_entitled' && !aiGovernanceAddon) {
      warnings.push(
        'The AI Governance add-on is required to use AI Gateway. Please reach out to your account team or sales@coder.com to learn more.',
      );
    }
  }

  for (const f of FEATURE_NAMES) {
    if (features[f].entitlement === 'not_entitled' && features[f].enabled) features[f] = { ...features[f], enabled: false };
  }

  return {
    features,
    warnings,
    errors,
    has_license: hasLicense,
    trial,
    require_telemetry: requireTelemetry,
    refreshed_at: rfc3339(nowMs),
  };
}

/**
 * "Your license expires in N day(s)." when the contiguous validity period (licenses merged where one starts no
 * later than the previous ends) that is current or next ends within 30 days (7 for a trial).
 */
function expiryWarning(parts: Array<[number, number]>, now: number, trial: boolean): string | undefined {
  if (parts.length === 0) return undefined;
  const sorted = [...parts].sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  let cur: [number, number] = [...sorted[0]];
  for (const next of sorted.slice(1)) {
    if (next[0] <= cur[1]) cur[1] = Math.max(cur[1], next[1]);
    else {
      merged.push(cur);
      cur = [...next];
    }
  }
  merged.push(cur);

  const period = merged.find(([, end]) => end > now);
  if (!period) return undefined;
  const days = Math.ceil((period[1] - now) / DAY_MS);
  const threshold = trial ? TRIAL_EXPIRY_WARNING_DAYS : EXPIRY_WARNING_DAYS;
  if (days <= 0 || days >= threshold) return undefined;
  return `Your license expires in ${days} ${days === 1 ? 'day' : 'days'}.`;
}

/** AI Governance seats: over the limit, or at 90% of it or more. */
function aiSeatWarning(actual: number, limit: number): string | undefined {
  if (limit <= 0) return undefined;
  if (actual > limit) {
    return `Your organization is using ${actual} of ${limit} AI Governance add-on seats (${actual - limit} over the limit).`;
  }
  if (actual * 10 >= limit * 9) {
    return `You have used ${Math.floor((actual * 100) / limit)}% of your AI Governance add-on seats.`;
  }
  return undefined;
}
