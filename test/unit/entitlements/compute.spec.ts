// computeEntitlements (reference §3 "LicensesEntitlements"): one case per rule, asserting the whole result.
import { describe, expect, it } from '@jest/globals';
import {
  compareFeatures,
  computeEntitlements,
  type LicenseInput,
} from '#entitlements/compute.js';
import { ALWAYS_ENABLED, FEATURE_NAMES, type FeatureName } from '#entitlements/features.js';
import type {
  Enablements,
  Entitlement,
  EntitlementUsage,
  Entitlements,
  Feature,
  LicenseClaims,
} from '#entitlements/types.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const DAY = 86_400;
/** A NumericDate `days` from NOW. */
const at = (days: number) => NOW.getTime() / 1000 + days * DAY;

const USAGE: EntitlementUsage = { activeUsers: 5, activeAiSeats: 0, managedAgents: 0, replicas: 1 };

/** A valid licence: started 10 days ago, term ends in 300 days, grace ends in 330 days. */
function claims(over: Partial<LicenseClaims> = {}): LicenseClaims {
  return {
    iat: at(-10),
    nbf: at(-10),
    license_expires: at(300),
    exp: at(330),
    account_type: 'salesforce',
    account_id: 'acct-1',
    version: 3,
    features: {},
    ...over,
  };
}

let seq = 0;
const lic = (over: Partial<LicenseClaims> = {}): LicenseInput => ({ uuid: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`, claims: claims(over) });
/** A license in its grace period: term ended a day ago, grace ends in 20 days. */
const grace = (over: Partial<LicenseClaims> = {}) => lic({ license_expires: at(-1), exp: at(20), ...over });

const PREMIUM_BOOLEAN = FEATURE_NAMES.filter((f) => !['user_limit', 'managed_agent_limit', 'ai_governance_user_limit'].includes(f));
const ENTERPRISE_BOOLEAN = PREMIUM_BOOLEAN.filter((f) => f !== 'multiple_organizations' && f !== 'custom_roles');

/** The same boolean features, entitled as `entitlement`, enabled by enablements or always. */
function granted(names: readonly FeatureName[], entitlement: Entitlement, enablements: Enablements = {}): Partial<Record<FeatureName, Feature>> {
  const out: Partial<Record<FeatureName, Feature>> = {};
  for (const f of names) out[f] = { entitlement, enabled: enablements[f] === true || ALWAYS_ENABLED.includes(f) };
  return out;
}

interface Case {
  name: string;
  licenses: LicenseInput[];
  usage?: Partial<EntitlementUsage>;
  enablements?: Enablements;
  /** Features that differ from "not_entitled, off" (user_limit keeps `actual` unless given here). */
  features?: Partial<Record<FeatureName, Feature>>;
  warnings?: string[];
  errors?: string[];
  has_license?: boolean;
  trial?: boolean;
  require_telemetry?: boolean;
}

function expected(c: Case): Entitlements {
  const usage = { ...USAGE, ...c.usage };
  const features = {} as Record<FeatureName, Feature>;
  for (const f of FEATURE_NAMES) features[f] = { entitlement: 'not_entitled', enabled: false };
  features.user_limit = { entitlement: 'not_entitled', enabled: false, actual: usage.activeUsers };
  Object.assign(features, c.features);
  return {
    features,
    warnings: c.warnings ?? [],
    errors: c.errors ?? [],
    has_license: c.has_license ?? false,
    trial: c.trial ?? false,
    require_telemetry: c.require_telemetry ?? false,
    refreshed_at: '2026-11-25T12:00:00Z',
  };
}

const userLimit = (limit: number, entitlement: Entitlement = 'entitled', actual = USAGE.activeUsers): Feature => ({ entitlement, enabled: true, limit, actual });
const PERIOD = { issued_at: '2026-11-15T12:00:00Z', start: '2026-11-15T12:00:00Z', end: '2027-10-21T12:00:00Z' };

const cases: Case[] = [
  // 1. Start: every feature not_entitled; user_limit shows the active users; not-entitled features end up off.
  {
    name: 'start: no licenses, every feature not_entitled and off, user_limit actual = active users, no warnings',
    licenses: [],
    enablements: { audit_log: true, template_rbac: true },
  },
  {
    name: 'start: always-enabled features count as enabled (an entitled one is on without an enablement)',
    licenses: [lic({ features: { appearance: 1, audit_log: 1 } })],
    features: { appearance: { entitlement: 'entitled', enabled: true }, audit_log: { entitlement: 'entitled', enabled: false } },
    has_license: true,
  },
  // 2. Licenses: errors, expired, future.
  {
    name: 'a license that failed to parse: "Invalid license (<uuid>) parsing claims: <error>"',
    licenses: [{ uuid: 'f00dfeed-0000-4000-8000-000000000000', error: 'License signature is invalid.' }],
    errors: ['Invalid license (f00dfeed-0000-4000-8000-000000000000) parsing claims: License signature is invalid.'],
  },
  {
    name: 'claims without the required times are a parse error',
    licenses: [{ uuid: 'u-1', claims: { ...claims(), license_expires: undefined } }],
    errors: ['Invalid license (u-1) parsing claims: license has an invalid or missing license_expires claim'],
  },
  {
    name: 'expired licenses (exp <= now) are skipped: no license, no error, no expiry warning',
    licenses: [lic({ license_expires: at(-30), exp: at(0), features: { audit_log: 1, user_limit: 10 } })],
  },
  {
    name: 'not-yet-valid licenses (nbf > now) grant nothing and are not errors',
    licenses: [lic({ nbf: at(1), license_expires: at(3), exp: at(5), features: { audit_log: 1 } })],
    // …but their validity period counts: it ends in 3 days.
    warnings: ['Your license expires in 3 days.'],
  },
  // 3. Expiry warning over the merged contiguous validity period.
  {
    name: 'expiry warning: the validity period ends in < 30 days',
    licenses: [lic({ license_expires: at(29), exp: at(40) })],
    has_license: true,
    warnings: ['Your license expires in 29 days.'],
  },
  {
    name: 'expiry warning: none at 30 days',
    licenses: [lic({ license_expires: at(30), exp: at(40) })],
    has_license: true,
  },
  {
    name: 'expiry warning: "1 day" (singular), days rounded up',
    licenses: [lic({ license_expires: at(0.1), exp: at(10) })],
    has_license: true,
    warnings: ['Your license expires in 1 day.'],
  },
  {
    name: 'expiry warning: a not-yet-valid renewal starting before the current term ends suppresses it',
    licenses: [lic({ license_expires: at(10), exp: at(20) }), lic({ nbf: at(9), license_expires: at(400), exp: at(430) })],
    has_license: true,
  },
  {
    name: 'expiry warning: a renewal that leaves a gap does not suppress it',
    licenses: [lic({ license_expires: at(10), exp: at(20) }), lic({ nbf: at(11), license_expires: at(400), exp: at(430) })],
    has_license: true,
    warnings: ['Your license expires in 10 days.'],
  },
  {
    name: 'expiry warning: a separate, already ended term (grace) does not hide the current period ending soon',
    licenses: [grace({ nbf: at(-100), license_expires: at(-50), exp: at(20) }), lic({ license_expires: at(5), exp: at(35) })],
    has_license: true,
    warnings: ['Your license expires in 5 days.'],
  },
  {
    name: 'trial: the expiry warning starts at 7 days (none at 10)',
    licenses: [lic({ trial: true, license_expires: at(10), exp: at(10) })],
    has_license: true,
    trial: true,
  },
  {
    name: 'trial: expiry warning under 7 days',
    licenses: [lic({ trial: true, license_expires: at(6), exp: at(6) })],
    has_license: true,
    trial: true,
    warnings: ['Your license expires in 6 days.'],
  },
  // 4. Per valid license: has_license, trial, require_telemetry, grace.
  {
    name: 'has_license, require_telemetry from any license, trial from the last valid license',
    licenses: [lic({ trial: true, require_telemetry: true }), lic({ trial: false })],
    has_license: true,
    require_telemetry: true,
    trial: false,
  },
  {
    name: 'grace: now > license_expires gives grace_period, with a warning per enabled feature',
    licenses: [grace({ features: { audit_log: 1, appearance: 1, scim: 1 } })],
    enablements: { audit_log: true },
    features: {
      audit_log: { entitlement: 'grace_period', enabled: true },
      appearance: { entitlement: 'grace_period', enabled: true },
      scim: { entitlement: 'grace_period', enabled: false },
    },
    has_license: true,
    warnings: [
      'Audit Log is enabled but your license for this feature is expired.',
      'Appearance is enabled but your license for this feature is expired.',
    ],
  },
  // 5. Feature sets.
  {
    name: 'feature_set premium: every boolean feature, limit features untouched',
    licenses: [lic({ feature_set: 'premium' })],
    enablements: { audit_log: true },
    features: granted(PREMIUM_BOOLEAN, 'entitled', { audit_log: true }),
    has_license: true,
  },
  {
    name: 'feature_set enterprise: all boolean features but multiple_organizations and custom_roles',
    licenses: [lic({ feature_set: 'enterprise' })],
    features: granted(ENTERPRISE_BOOLEAN, 'entitled'),
    has_license: true,
  },
  {
    name: 'legacy all_features: the enterprise set',
    licenses: [lic({ all_features: true })],
    features: granted(ENTERPRISE_BOOLEAN, 'entitled'),
    has_license: true,
  },
  {
    name: 'feature_set wins over legacy all_features',
    licenses: [lic({ feature_set: 'premium', all_features: true })],
    features: granted(PREMIUM_BOOLEAN, 'entitled'),
    has_license: true,
  },
  // 6. À la carte.
  {
    name: 'à la carte: unknown names and negative values ignored, boolean features need value > 0',
    licenses: [lic({ features: { audit_log: 1, template_rbac: 7, scim: 0, browser_only: -1, made_up_feature: 5 } })],
    enablements: { template_rbac: true },
    features: { audit_log: { entitlement: 'entitled', enabled: false }, template_rbac: { entitlement: 'entitled', enabled: true } },
    has_license: true,
  },
  {
    name: 'limit features: user_limit gets limit and actual = active users; a zero limit is ignored',
    licenses: [lic({ features: { user_limit: 10, ai_governance_user_limit: 0 } })],
    features: { user_limit: userLimit(10) },
    has_license: true,
  },
  {
    name: 'limit features: ai_governance_user_limit actual = active AI seats',
    licenses: [lic({ features: { ai_governance_user_limit: 50 } })],
    usage: { activeAiSeats: 3 },
    features: { ai_governance_user_limit: { entitlement: 'entitled', enabled: true, limit: 50, actual: 3 } },
    has_license: true,
  },
  {
    name: 'usage period: managed_agent_limit gets limit, actual = managed agents and usage_period {iat, nbf, exp}',
    licenses: [lic({ features: { managed_agent_limit: 50 } })],
    usage: { managedAgents: 7 },
    features: { managed_agent_limit: { entitlement: 'entitled', enabled: true, limit: 50, actual: 7, usage_period: PERIOD } },
    has_license: true,
  },
  {
    name: 'usage period: a zero managed_agent_limit is kept, disabled',
    licenses: [lic({ features: { managed_agent_limit: 0 } })],
    features: { managed_agent_limit: { entitlement: 'entitled', enabled: false, limit: 0, actual: 0, usage_period: PERIOD } },
    has_license: true,
  },
  {
    name: 'usage period: the license with the newest iat wins even with a lower limit',
    licenses: [
      lic({ iat: at(-5), features: { managed_agent_limit: 100 } }),
      lic({ iat: at(-20), nbf: at(-20), features: { managed_agent_limit: 1000 } }),
    ],
    features: {
      managed_agent_limit: {
        entitlement: 'entitled', enabled: true, limit: 100, actual: 0,
        usage_period: { issued_at: '2026-11-20T12:00:00Z', start: '2026-11-15T12:00:00Z', end: '2027-10-21T12:00:00Z' },
      },
    },
    has_license: true,
  },
  {
    name: 'legacy managed_agent_limit_soft maps to managed_agent_limit; managed_agent_limit_hard is ignored',
    licenses: [lic({ features: { managed_agent_limit_soft: 100, managed_agent_limit_hard: 200 } })],
    features: { managed_agent_limit: { entitlement: 'entitled', enabled: true, limit: 100, actual: 0, usage_period: PERIOD } },
    has_license: true,
  },
  // 7. Default managed agent limit.
  {
    name: 'premium default: 800 managed agents per licensed user, over the license term, older than any real claim',
    licenses: [lic({ feature_set: 'premium', features: { user_limit: 10 } })],
    usage: { managedAgents: 12 },
    features: {
      ...granted(PREMIUM_BOOLEAN, 'entitled'),
      user_limit: userLimit(10),
      managed_agent_limit: {
        entitlement: 'entitled', enabled: true, limit: 8000, actual: 12,
        usage_period: { issued_at: '2025-07-01T00:00:00Z', start: PERIOD.start, end: PERIOD.end },
      },
    },
    has_license: true,
  },
  {
    name: 'premium default: none without a user_limit',
    licenses: [lic({ feature_set: 'premium' })],
    features: granted(PREMIUM_BOOLEAN, 'entitled'),
    has_license: true,
  },
  {
    name: 'premium default: none when the license has a managed agent claim (a lower one wins)',
    licenses: [lic({ feature_set: 'premium', features: { user_limit: 10, managed_agent_limit: 5 } })],
    features: {
      ...granted(PREMIUM_BOOLEAN, 'entitled'),
      user_limit: userLimit(10),
      managed_agent_limit: { entitlement: 'entitled', enabled: true, limit: 5, actual: 0, usage_period: PERIOD },
    },
    has_license: true,
  },
  {
    name: 'premium default: a real claim on another license (issued after 2025-07-01) beats the default',
    licenses: [lic({ feature_set: 'premium', features: { user_limit: 10 } }), lic({ iat: at(-300), nbf: at(-300), features: { managed_agent_limit: 3 } })],
    features: {
      ...granted(PREMIUM_BOOLEAN, 'entitled'),
      user_limit: userLimit(10),
      managed_agent_limit: {
        entitlement: 'entitled', enabled: true, limit: 3, actual: 0,
        usage_period: { issued_at: '2026-01-29T12:00:00Z', start: '2026-01-29T12:00:00Z', end: PERIOD.end },
      },
    },
    has_license: true,
  },
  {
    name: 'enterprise default: no managed agent limit',
    licenses: [lic({ feature_set: 'enterprise', features: { user_limit: 10 } })],
    features: { ...granted(ENTERPRISE_BOOLEAN, 'entitled'), user_limit: userLimit(10) },
    has_license: true,
  },
  // 8. Merging several licenses (Feature.Compare).
  {
    name: 'merge: capable (limit >= actual) beats incapable, even in grace over entitled',
    licenses: [lic({ features: { user_limit: 3 } }), grace({ features: { user_limit: 10 } })],
    features: { user_limit: userLimit(10, 'grace_period') },
    has_license: true,
    warnings: ['Your deployment has 5 active users but the license with the limit 10 is expired.'],
  },
  {
    name: 'merge: higher entitlement weight wins (entitled over grace_period)',
    licenses: [grace({ features: { user_limit: 100, audit_log: 1 } }), lic({ features: { user_limit: 50, audit_log: 1 } })],
    features: { user_limit: userLimit(50), audit_log: { entitlement: 'entitled', enabled: false } },
    has_license: true,
  },
  {
    name: 'merge: higher limit wins at equal entitlement',
    licenses: [lic({ features: { user_limit: 100 } }), lic({ features: { user_limit: 50 } })],
    features: { user_limit: userLimit(100) },
    has_license: true,
  },
  {
    name: 'merge: an à-la-carte feature of a grace license does not replace the same entitled feature',
    licenses: [lic({ features: { audit_log: 1 } }), grace({ features: { audit_log: 1 } })],
    enablements: { audit_log: true },
    features: { audit_log: { entitlement: 'entitled', enabled: true } },
    has_license: true,
  },
  // 9. Usage warnings.
  {
    name: 'user limit: "Your deployment has N active users but is only licensed for L."',
    licenses: [lic({ features: { user_limit: 3 } })],
    features: { user_limit: userLimit(3) },
    has_license: true,
    warnings: ['Your deployment has 5 active users but is only licensed for 3.'],
  },
  {
    name: 'AI seats: no warning under 90%',
    licenses: [lic({ features: { ai_governance_user_limit: 10 } })],
    usage: { activeAiSeats: 8 },
    features: { ai_governance_user_limit: { entitlement: 'entitled', enabled: true, limit: 10, actual: 8 } },
    has_license: true,
  },
  {
    name: 'AI seats: at or above 90% of the limit',
    licenses: [lic({ features: { ai_governance_user_limit: 10 } })],
    usage: { activeAiSeats: 9 },
    features: { ai_governance_user_limit: { entitlement: 'entitled', enabled: true, limit: 10, actual: 9 } },
    has_license: true,
    warnings: ['You have used 90% of your AI Governance add-on seats.'],
  },
  {
    name: 'AI seats: over the limit',
    licenses: [lic({ features: { ai_governance_user_limit: 10 } })],
    usage: { activeAiSeats: 12 },
    features: { ai_governance_user_limit: { entitlement: 'entitled', enabled: true, limit: 10, actual: 12 } },
    has_license: true,
    warnings: ['Your organization is using 12 of 10 AI Governance add-on seats (2 over the limit).'],
  },
  {
    name: 'AI seats: in grace, the expiry and the usage warnings',
    licenses: [grace({ features: { ai_governance_user_limit: 10 } })],
    usage: { activeAiSeats: 10 },
    features: { ai_governance_user_limit: { entitlement: 'grace_period', enabled: true, limit: 10, actual: 10 } },
    has_license: true,
    warnings: [
      'Your deployment has 10 active AI Governance seats but the license with the limit 10 is expired.',
      'You have used 100% of your AI Governance add-on seats.',
    ],
  },
  {
    name: 'AI seats: none when not entitled (phantom seats)',
    licenses: [lic({ features: { user_limit: 10 } })],
    usage: { activeAiSeats: 40 },
    features: { user_limit: userLimit(10) },
    has_license: true,
  },
  {
    name: 'enabled but not entitled: "<Display name> is enabled but your license is not entitled to this feature."',
    licenses: [lic({ features: { user_limit: 10 } })],
    enablements: { audit_log: true, scim: true, multiple_organizations: false },
    features: { user_limit: userLimit(10) },
    has_license: true,
    warnings: [
      'Audit Log is enabled but your license is not entitled to this feature.',
      'SCIM is enabled but your license is not entitled to this feature.',
    ],
  },
  // 10. Replicas, external auth, external agents.
  {
    name: 'HA: several replicas without high_availability is an error',
    licenses: [lic({ features: { user_limit: 10 } })],
    usage: { replicas: 2 },
    features: { user_limit: userLimit(10) },
    has_license: true,
    errors: ['You have multiple replicas but your license is not entitled to high availability. You will be unable to connect to workspaces.'],
  },
  {
    name: 'HA: several replicas and no license at all',
    licenses: [],
    usage: { replicas: 3 },
    errors: ['You have multiple replicas but high availability is an Enterprise feature. You will be unable to connect to workspaces.'],
  },
  {
    name: 'HA: several replicas with high_availability in grace is a warning',
    licenses: [grace({ features: { high_availability: 1 } })],
    usage: { replicas: 2 },
    features: { high_availability: { entitlement: 'grace_period', enabled: true } },
    has_license: true,
    warnings: ['You have multiple replicas but your license for high availability is expired. Reduce to one replica or workspace connections will stop working.'],
  },
  {
    name: 'HA: several replicas with high_availability entitled is fine',
    licenses: [lic({ features: { high_availability: 1 } })],
    usage: { replicas: 2 },
    features: { high_availability: { entitlement: 'entitled', enabled: true } },
    has_license: true,
  },
  {
    name: 'external auth: several providers without multiple_external_auth is an error',
    licenses: [lic({ features: { audit_log: 1 } })],
    usage: { externalAuthProviders: 2 },
    features: { audit_log: { entitlement: 'entitled', enabled: false } },
    has_license: true,
    errors: ['You have multiple External Auth Providers configured but your license is limited at one.'],
  },
  {
    name: 'external agents: templates using them without workspace_external_agent is an error',
    licenses: [],
    usage: { externalAgentTemplates: 1 },
    errors: ['You have templates which use external agents but your license is not entitled to this feature.'],
  },
  // 11. Add-ons.
  {
    name: 'add-on ai_governance grants aibridge and boundary when ai_governance_user_limit is entitled',
    licenses: [lic({ features: { ai_governance_user_limit: 10 }, addons: ['ai_governance'] })],
    enablements: { aibridge: true },
    features: {
      ai_governance_user_limit: { entitlement: 'entitled', enabled: true, limit: 10, actual: 0 },
      aibridge: { entitlement: 'entitled', enabled: true },
      boundary: { entitlement: 'entitled', enabled: true },
    },
    has_license: true,
  },
  {
    name: 'add-on without its required feature: an error, and the add-on is ignored',
    licenses: [{ uuid: 'u-addon', claims: claims({ features: { user_limit: 10 }, addons: ['ai_governance', 'unknown_addon'] }) }],
    features: { user_limit: userLimit(10) },
    has_license: true,
    errors: ['Invalid license (u-addon): the AI Governance add-on requires the AI Governance User Limit feature; the add-on is ignored.'],
  },
  {
    name: 'AI Bridge entitled by premium without the AI Governance add-on: a warning',
    licenses: [lic({ feature_set: 'premium' })],
    enablements: { aibridge: true },
    features: granted(PREMIUM_BOOLEAN, 'entitled', { aibridge: true }),
    has_license: true,
    warnings: ['The AI Governance add-on is required to use AI Gateway. Please reach out to your account team or sales@coder.com to learn more.'],
  },
];

describe('computeEntitlements', () => {
  it.each(cases)('$name', (c) => {
    const usage = { ...USAGE, ...c.usage };
    expect(computeEntitlements(c.licenses, usage, NOW, c.enablements)).toStrictEqual(expected(c));
  });

  it('the result does not depend on the order of licenses for merged features', () => {
    const a = lic({ iat: at(-5), features: { managed_agent_limit: 100, user_limit: 10 } });
    const b = grace({ iat: at(-20), features: { managed_agent_limit: 1000, user_limit: 50 } });
    const ab = computeEntitlements([a, b], USAGE, NOW).features;
    const ba = computeEntitlements([b, a], USAGE, NOW).features;
    expect(ab).toStrictEqual(ba);
    expect(ab.managed_agent_limit.limit).toBe(100);
    expect(ab.user_limit.entitlement).toBe('entitled');
  });

  it('does not modify its inputs', () => {
    const input = [lic({ feature_set: 'premium', features: { user_limit: 10 } })];
    const enablements: Enablements = { audit_log: true };
    const snapshot = JSON.stringify([input, enablements, USAGE]);
    computeEntitlements(input, USAGE, NOW, enablements);
    expect(JSON.stringify([input, enablements, USAGE])).toBe(snapshot);
  });

  it('refreshed_at is now, in RFC 3339', () => {
    expect(computeEntitlements([], USAGE, new Date('2026-01-02T03:04:05.250Z')).refreshed_at).toBe('2026-01-02T03:04:05.250Z');
  });
});

describe('compareFeatures (Coder Feature.Compare)', () => {
  const f = (o: Partial<Feature>): Feature => ({ entitlement: 'entitled', enabled: true, ...o });
  const period = (issued: string, end = '2027-01-01T00:00:00Z') => ({ issued_at: issued, start: '2026-01-01T00:00:00Z', end });
  it.each<[string, Feature, Feature]>([
    ['capable beats incapable', f({ entitlement: 'grace_period', limit: 10, actual: 5 }), f({ limit: 3, actual: 5 })],
    ['incapable but entitled beats not_entitled', f({ limit: 3, actual: 5 }), f({ entitlement: 'not_entitled', enabled: false })],
    ['entitled beats grace_period', f({}), f({ entitlement: 'grace_period' })],
    ['grace_period beats not_entitled', f({ entitlement: 'grace_period' }), f({ entitlement: 'not_entitled' })],
    ['a limit beats none', f({ limit: 1 }), f({})],
    ['the higher limit wins', f({ limit: 20 }), f({ limit: 10 })],
    ['enabled beats disabled', f({ enabled: true }), f({ enabled: false })],
    ['an actual beats none', f({ actual: 0 }), f({})],
    ['the higher actual wins', f({ limit: 10, actual: 4 }), f({ limit: 10, actual: 3 })],
    ['usage period: the newer issued_at wins over a higher limit and entitlement', f({ entitlement: 'grace_period', limit: 1, usage_period: period('2026-06-01T00:00:00Z') }), f({ limit: 100, usage_period: period('2026-01-01T00:00:00Z') })],
    ['usage period: at the same issued_at, the later end wins', f({ limit: 1, usage_period: period('2026-01-01T00:00:00Z', '2027-06-01T00:00:00Z') }), f({ limit: 100, usage_period: period('2026-01-01T00:00:00Z') })],
  ])('%s', (_name, better, worse) => {
    expect(Math.sign(compareFeatures(better, worse))).toBe(1);
    expect(Math.sign(compareFeatures(worse, better))).toBe(-1);
  });

  it('equal features compare 0', () => {
    expect(compareFeatures(f({ limit: 5, actual: 2 }), f({ limit: 5, actual: 2 }))).toBe(0);
  });
});
