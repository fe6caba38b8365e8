import type { ExperimentsProvider } from '#httpapi/require-experiment.js';
import type { DeploymentConfig } from './config.js';

/**
 * The experiments on in this deployment: those in CODER_EXPERIMENTS (`*` for all), `oauth2` also
 * with Coder's newer CODER_OAUTH2_PROVIDER_ENABLE, and every one in development mode.
 */
export function configuredExperiments(c: Pick<DeploymentConfig, 'experiments' | 'oauth2ProviderEnable' | 'devMode'>): ExperimentsProvider {
  const on = new Set(c.experiments);
  return {
    devBypass: c.devMode,
    enabled: (name) => on.has(name) || on.has('*') || (name === 'oauth2' && c.oauth2ProviderEnable),
  };
}
