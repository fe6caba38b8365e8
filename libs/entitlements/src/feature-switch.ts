import type { FeatureName } from './features.js';
import type { EntitlementsProvider } from './provider.js';

/**
 * Holds a behaviour with two implementations and uses the real one exactly while the feature is
 * enabled. It follows every entitlements change, so a license takes effect without a restart.
 */
export class FeatureSwitch<T> {
  private current: T;

  constructor(
    readonly feature: FeatureName,
    private readonly real: T,
    private readonly fallback: T,
    entitlements: EntitlementsProvider,
  ) {
    this.current = entitlements.isEnabled(feature) ? real : fallback;
    entitlements.onChange((e) => {
      this.current = e.features[feature]?.enabled ? this.real : this.fallback;
    });
  }

  get active(): T {
    return this.current;
  }
}
