// Shared by the configuration specs.
import { ConfigError, loadConfig } from '#coderd/config/config.js';

/** The environment every configuration spec starts from (a HOME so the cache directory is fixed). */
export const BASE = { HOME: '/home/tester' };

/** The ConfigError that `env` must raise; fails the test when it loads instead. */
export function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ ...BASE, ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be rejected`);
}
