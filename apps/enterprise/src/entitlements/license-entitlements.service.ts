import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Pubsub } from '#db/pubsub.js';
import { computeEntitlements, type LicenseInput } from '#entitlements/compute.js';
import type { FeatureName } from '#entitlements/features.js';
import { noEntitlements, type EntitlementsProvider } from '#entitlements/provider.js';
import { loadTrustedKeys } from '#entitlements/trusted-keys.js';
import type { Enablements, Entitlements } from '#entitlements/types.js';
import { LicenseError, verifyLicense, type TrustedKeys } from '#entitlements/verify.js';
import type { DeploymentConfig } from '#coderd/config/config.js';
import { DEPLOYMENT_CONFIG } from '#coderd/tokens.js';
import { LicensesRepository } from '../licenses/licenses.repository.js';
import { enterpriseEnablements } from './enablements.js';

/** Replicas announce license changes here ("add", "delete", "refresh"), as Coder's "licenses" channel. */
export const LICENSES_CHANNEL = 'licenses';

/**
 * Entitlements from the uploaded licenses. The value is cached: requests read it without a query.
 * It is recomputed at start-up, on every license change here, on a NOTIFY from another replica, and
 * periodically (licenses expire and user counts change without any announcement).
 */
@Injectable()
export class LicenseEntitlements implements EntitlementsProvider, OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('entitlements');
  private value: Entitlements = noEntitlements(new Date());
  private readonly listeners = new Set<(e: Entitlements) => void>();
  private keys: TrustedKeys = {};
  private readonly enablements: Enablements;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  /** Recomputations run one at a time, in order, so an older result never replaces a newer one. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly licenses: LicensesRepository,
    private readonly pubsub: Pubsub,
    @Inject(DEPLOYMENT_CONFIG) private readonly config: DeploymentConfig,
  ) {
    this.enablements = enterpriseEnablements(config);
  }

  async onModuleInit(): Promise<void> {
    this.keys = await loadTrustedKeys(this.config.licensePublicKeysFile || undefined);
    await this.refresh();
    // Our own announcements were computed before they were sent; only other replicas' changes need work.
    await this.pubsub.subscribe(LICENSES_CHANNEL, (_event, fromSelf) => {
      if (!fromSelf) void this.refreshLogged();
    });
    this.timer = setInterval(() => void this.refreshLogged(), this.config.entitlementsRefreshIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  current(): Entitlements {
    return this.value;
  }

  isEnabled(feature: FeatureName): boolean {
    return this.value.features[feature]?.enabled === true;
  }

  onChange(listener: (e: Entitlements) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get trustedKeys(): TrustedKeys {
    return this.keys;
  }

  refresh(): Promise<Entitlements> {
    const next = this.queue.then(() => this.compute());
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Recomputes here, then tells every other replica to do the same. */
  async announce(event: 'add' | 'delete' | 'refresh'): Promise<Entitlements> {
    const value = await this.refresh();
    await this.pubsub.publish(LICENSES_CHANNEL, event);
    return value;
  }

  private async refreshLogged(): Promise<void> {
    if (this.stopped) return; // a NOTIFY arriving while shutting down finds the database closed
    // A failed refresh keeps the last good entitlements; the next trigger tries again.
    await this.refresh().catch((err) => this.log.error(`Refreshing entitlements failed: ${(err as Error).message}`));
  }

  private async compute(): Promise<Entitlements> {
    const now = new Date();
    const rows = await this.licenses.unexpired(now);
    const inputs = await Promise.all(
      rows.map(async (row): Promise<LicenseInput | undefined> => {
        try {
          return { uuid: row.uuid, claims: await verifyLicense(row.jwt, this.keys, { now, ignoreNbf: true }) };
        } catch (err) {
          // Expired between the query and now: simply gone, not an error to report.
          if (err instanceof LicenseError && err.code === 'expired') return undefined;
          return { uuid: row.uuid, error: (err as Error).message };
        }
      }),
    );
    const usage = { activeUsers: await this.licenses.activeUserCount(), activeAiSeats: await this.licenses.activeAiSeatCount(), managedAgents: 0, replicas: 1 };
    this.value = computeEntitlements(inputs.filter((i): i is LicenseInput => i !== undefined), usage, now, this.enablements);
    for (const listener of this.listeners) listener(this.value);
    return this.value;
  }
}
