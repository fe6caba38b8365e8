import { rfc3339 } from './compute.js';
import { FEATURE_NAMES, type FeatureName } from './features.js';
import type { Entitlements, Feature } from './types.js';

/** Injection token: the server's current entitlements. AGPL: nothing entitled; enterprise: licenses. */
export const ENTITLEMENTS = Symbol('ENTITLEMENTS');

export interface EntitlementsProvider {
  /** The cached entitlements; never touches the database (it is on the request path). */
  current(): Entitlements;
  isEnabled(feature: FeatureName): boolean;
  /** Recomputes now and notifies listeners; returns the new value. */
  refresh(): Promise<Entitlements>;
  /** Called after every recomputation; returns an unsubscribe function. */
  onChange(listener: (entitlements: Entitlements) => void): () => void;
}

/** Every feature not entitled and off: the AGPL server's answer, and the start of every computation. */
export function noEntitlements(now: Date): Entitlements {
  const features = {} as Record<FeatureName, Feature>;
  for (const f of FEATURE_NAMES) features[f] = { entitlement: 'not_entitled', enabled: false };
  return { features, warnings: [], errors: [], has_license: false, trial: false, require_telemetry: false, refreshed_at: rfc3339(now.getTime()) };
}

/** The AGPL server's provider: no licenses, so nothing is ever entitled. */
export class AgplEntitlements implements EntitlementsProvider {
  private readonly value = noEntitlements(new Date());

  current(): Entitlements {
    return this.value;
  }

  isEnabled(): boolean {
    return false;
  }

  async refresh(): Promise<Entitlements> {
    return this.value;
  }

  onChange(): () => void {
    return () => undefined;
  }
}
