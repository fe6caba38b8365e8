import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { systemSubject } from '#rbac/subject.js';
import { AuthzService } from '#coderd/auth/authz.service.js';
import type { DeploymentConfig } from '#coderd/config/config.js';
import { DEPLOYMENT_CONFIG } from '#coderd/tokens.js';

/** Coder's purge cadence. */
const INTERVAL_MS = 10 * 60_000;
/** Rows per DELETE: short transactions that never hold many locks or block the recorder long. */
export const RETENTION_BATCH = 1000;
/** The job acts as a system subject holding only `system:delete`, never as a user. */
const RETENTION_SUBJECT = systemSubject('aibridge-retention', 'system:retention');

/**
 * Deletes interceptions older than CODER_AIBRIDGE_RETENTION (their token, prompt and tool rows go
 * with them), in batches, at start-up and every ten minutes. Several replicas may run it at once:
 * each batch deletes only what is still there.
 */
@Injectable()
export class RetentionService implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('aibridge-retention');
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    @Inject(DEPLOYMENT_CONFIG) private readonly config: DeploymentConfig,
    @InjectDataSource() private readonly ds: DataSource,
    private readonly authz: AuthzService,
  ) {}

  onModuleInit(): void {
    if (this.config.aibridge.retentionMs <= 0) return;
    this.timer = setInterval(() => void this.purgeLogged(), INTERVAL_MS);
    this.timer.unref();
    void this.purgeLogged();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Deletes everything older than the retention; returns how many interceptions went. */
  purge(now = new Date()): Promise<number> {
    this.running ??= this.purgeBatches(now).finally(() => (this.running = undefined));
    return this.running;
  }

  private async purgeBatches(now: Date): Promise<number> {
    const retention = this.config.aibridge.retentionMs;
    if (retention <= 0) return 0;
    this.authz.require(RETENTION_SUBJECT, 'delete', { type: 'system' });
    const cutoff = new Date(now.getTime() - retention);
    let total = 0;
    for (;;) {
      const [, deleted] = (await this.ds.query(
        `DELETE FROM aibridge_interceptions WHERE id IN (
           SELECT id FROM aibridge_interceptions WHERE started_at < $1 ORDER BY started_at LIMIT ${RETENTION_BATCH} FOR UPDATE SKIP LOCKED)`,
        [cutoff],
      )) as [unknown, number];
      total += deleted;
      if (deleted < RETENTION_BATCH) return total;
    }
  }

  private async purgeLogged(): Promise<void> {
    try {
      const n = await this.purge();
      if (n > 0) this.log.log(`deleted ${n} AI Bridge interceptions older than the retention period`);
    } catch (err) {
      this.log.error(`AI Bridge retention purge failed: ${String(err)}`);
    }
  }
}
