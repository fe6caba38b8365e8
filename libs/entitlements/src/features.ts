/** Licensable features (Coder's codersdk FeatureName), in Coder's order. */
export const FEATURE_NAMES = [
  'user_limit',
  'audit_log',
  'connection_log',
  'browser_only',
  'scim',
  'template_rbac',
  'user_role_management',
  'high_availability',
  'multiple_external_auth',
  'external_provisioner_daemons',
  'appearance',
  'advanced_template_scheduling',
  'workspace_proxy',
  'external_token_encryption',
  'workspace_batch_actions',
  'task_batch_actions',
  'access_control',
  'control_shared_ports',
  'custom_roles',
  'multiple_organizations',
  'workspace_prebuilds',
  'managed_agent_limit',
  'workspace_external_agent',
  'aibridge',
  'boundary',
  'ai_governance_user_limit',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

export function isFeatureName(s: string): s is FeatureName {
  return (FEATURE_NAMES as readonly string[]).includes(s);
}

/** Features whose value is a limit (`limit`/`actual`) rather than on/off. */
export const LIMIT_FEATURES: readonly FeatureName[] = ['user_limit', 'managed_agent_limit', 'ai_governance_user_limit'];

/** Limit features measured over a license's usage period (`usage_period`), newest license wins. */
export const USAGE_PERIOD_FEATURES: readonly FeatureName[] = ['managed_agent_limit'];

/** Features enabled whenever they are entitled, with no deployment switch (Coder's AlwaysEnable). */
export const ALWAYS_ENABLED: readonly FeatureName[] = [
  'multiple_external_auth',
  'external_provisioner_daemons',
  'appearance',
  'workspace_batch_actions',
  'task_batch_actions',
  'high_availability',
  'custom_roles',
  'multiple_organizations',
  'workspace_prebuilds',
  'workspace_external_agent',
  'boundary',
];

const BOOLEAN_FEATURES = FEATURE_NAMES.filter((f) => !LIMIT_FEATURES.includes(f));

/** `feature_set: "premium"`: every boolean feature. */
export const PREMIUM_FEATURES: readonly FeatureName[] = BOOLEAN_FEATURES;

/** `feature_set: "enterprise"` (and legacy `all_features`): premium without multi-org and custom roles. */
export const ENTERPRISE_FEATURES: readonly FeatureName[] = BOOLEAN_FEATURES.filter(
  (f) => f !== 'multiple_organizations' && f !== 'custom_roles',
);

const DISPLAY_OVERRIDES: Partial<Record<FeatureName, string>> = {
  scim: 'SCIM',
  template_rbac: 'Template RBAC',
  aibridge: 'AI Bridge',
  ai_governance_user_limit: 'AI Governance User Limit',
};

/** Coder's "humanized" feature name: "Multiple Organizations", "Template RBAC", "AI Bridge". */
export function featureDisplayName(f: FeatureName): string {
  return DISPLAY_OVERRIDES[f] ?? f.split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join(' ');
}
