import { expect } from '@jest/globals';
import type { Entitlements } from '#entitlements/types.js';

/**
 * Coder's feature names (codersdk FeatureNames, reference §3, without the 2026 agent_runtime_hours),
 * written out here rather than imported, so the API specs pin the wire contract, not the code.
 */
export const CODER_FEATURE_NAMES = [
  'user_limit', 'audit_log', 'connection_log', 'browser_only', 'scim', 'template_rbac', 'user_role_management',
  'high_availability', 'multiple_external_auth', 'external_provisioner_daemons', 'appearance',
  'advanced_template_scheduling', 'workspace_proxy', 'external_token_encryption', 'workspace_batch_actions',
  'task_batch_actions', 'access_control', 'control_shared_ports', 'custom_roles', 'multiple_organizations',
  'workspace_prebuilds', 'managed_agent_limit', 'workspace_external_agent', 'aibridge', 'boundary',
  'ai_governance_user_limit',
] as const;

export const ENTITLEMENTS_KEYS = ['errors', 'features', 'has_license', 'refreshed_at', 'require_telemetry', 'trial', 'warnings'];

/** No license: every Coder feature is listed, not entitled and off. */
export function expectNothingEntitled(e: Entitlements): void {
  expect(Object.keys(e).sort()).toEqual(ENTITLEMENTS_KEYS);
  expect(e).toMatchObject({ has_license: false, trial: false, require_telemetry: false });
  expect(Object.keys(e.features).sort()).toEqual([...CODER_FEATURE_NAMES].sort());
  for (const name of CODER_FEATURE_NAMES) {
    expect({ name, entitlement: e.features[name].entitlement, enabled: e.features[name].enabled }).toEqual({
      name,
      entitlement: 'not_entitled',
      enabled: false,
    });
  }
}
