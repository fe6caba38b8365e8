// Experiment gating: Coder's messages for one and for several missing experiments, and which
// experiments the configuration turns on.
import { describe, expect, it } from '@jest/globals';
import { configuredExperiments } from '#coderd/config/experiments.js';
import { experimentsError } from '#httpapi/require-experiment.js';

describe('experimentsError', () => {
  it('names one experiment by its display name', () => {
    const e = experimentsError(['oauth2']);
    expect(e.status).toBe(403);
    expect(e.message).toBe("OAuth2 functionality requires enabling the 'oauth2' experiment.");
  });

  it('lists several', () => {
    expect(experimentsError(['oauth2', 'mcp-server-http']).message).toBe('OAuth2, MCP HTTP Server functionality requires enabling the following experiments: oauth2, mcp-server-http');
  });
});

describe('configuredExperiments', () => {
  const base = { experiments: [] as string[], oauth2ProviderEnable: false, devMode: false };

  it('turns on what CODER_EXPERIMENTS names, or everything with *', () => {
    expect(configuredExperiments({ ...base, experiments: ['oauth2'] }).enabled('oauth2')).toBe(true);
    expect(configuredExperiments({ ...base, experiments: ['oauth2'] }).enabled('mcp-server-http')).toBe(false);
    expect(configuredExperiments({ ...base, experiments: ['*'] }).enabled('mcp-server-http')).toBe(true);
  });

  it('takes CODER_OAUTH2_PROVIDER_ENABLE as the oauth2 experiment only', () => {
    const e = configuredExperiments({ ...base, oauth2ProviderEnable: true });
    expect(e.enabled('oauth2')).toBe(true);
    expect(e.enabled('mcp-server-http')).toBe(false);
    expect(e.devBypass).toBe(false);
  });

  it('bypasses every gate in development mode', () => {
    expect(configuredExperiments({ ...base, devMode: true }).devBypass).toBe(true);
  });
});
