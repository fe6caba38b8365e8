import type * as sdk from '#sdk/users.js';
import type { DeploymentConfig } from '../config/config.js';

/** Only password login exists today; GitHub and OIDC are reported as off. */
export function authMethods(config: DeploymentConfig): sdk.AuthMethods {
  return {
    password: { enabled: !config.disablePasswordAuth },
    github: { enabled: false, default_provider_configured: false },
    oidc: { enabled: false, signInText: '', iconUrl: '' },
  };
}
