import type { Enablements } from '#entitlements/types.js';
import type { DeploymentConfig } from '#coderd/config/config.js';

/**
 * Which entitled features this deployment turns on (Coder's enablements map). Features off here stay
 * off even when licensed, until their configuration exists (SCIM key, token encryption keys, AI Bridge).
 */
const STATIC_ENABLEMENTS: Enablements = {
  audit_log: true,
  connection_log: true,
  browser_only: false,
  scim: false,
  multiple_external_auth: false,
  template_rbac: true,
  external_token_encryption: false,
  external_provisioner_daemons: true,
  advanced_template_scheduling: true,
  workspace_proxy: true,
  user_role_management: true,
  access_control: true,
  control_shared_ports: true,
  workspace_external_agent: true,
  aibridge: false,
};

/** AI Bridge is on only where an administrator turned it on (CODER_AIBRIDGE_ENABLED), as in Coder. */
export function enterpriseEnablements(config: Pick<DeploymentConfig, 'aibridge'>): Enablements {
  return { ...STATIC_ENABLEMENTS, aibridge: config.aibridge.enabled };
}
