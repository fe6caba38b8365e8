import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Counter } from 'prom-client';
import { systemSubject } from '#rbac/subject.js';
import { AuthzService } from '../auth/authz.service.js';
import type { DeploymentConfig } from '../config/config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { DEPLOYMENT_CONFIG } from '../tokens.js';
import { JobsRepository } from './jobs.repository.js';

/** Jobs failed per pass, at most (Coder's detector does 10); the next pass takes the rest. */
const BATCH = 10;
const SUBJECT = systemSubject('provisioner-job-reaper', 'system:job-reaper');

/**
 * Fails jobs whose daemon stopped heart-beating (CODER_PROVISIONER_JOB_HEARTBEAT_TIMEOUT) and jobs
 * no daemon took (CODER_PROVISIONER_JOB_PENDING_TIMEOUT), so that nobody waits on them forever and
 * the workspace can be built again. Every replica runs it; rows are locked SKIP LOCKED, so each job
 * is failed once.
 */
@Injectable()
export class JobReaperService implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('job-reaper');
  private timer?: NodeJS.Timeout;
  private readonly reaped: Counter<'was'>;

  constructor(
    @Inject(DEPLOYMENT_CONFIG) private readonly config: DeploymentConfig,
    private readonly jobs: JobsRepository,
    private readonly authz: AuthzService,
    metrics: MetricsService,
  ) {
    this.reaped = new Counter({
      name: 'coderd_provisioner_jobs_reaped_total',
      help: 'Provisioner jobs failed by the reaper: running ones whose daemon went silent, pending ones nobody took.',
      labelNames: ['was'],
      registers: [metrics.registry],
    });
  }

  onModuleInit(): void {
    // Checked often enough that a job is failed within about one and a half timeouts.
    const every = Math.max(250, Math.min(30_000, Math.floor(this.config.provisionerJobHeartbeatTimeoutMs / 2)));
    this.timer = setInterval(() => void this.passLogged(), every);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async pass(): Promise<number> {
    this.authz.require(SUBJECT, 'update', { type: 'provisioner_jobs' });
    let total = 0;
    for (;;) {
      const stale = await this.jobs.reap(this.config.provisionerJobHeartbeatTimeoutMs, this.config.provisionerJobPendingTimeoutMs, BATCH);
      for (const s of stale) this.reaped.inc({ was: s.was });
      total += stale.length;
      if (stale.length < BATCH) return total;
    }
  }

  private async passLogged(): Promise<void> {
    try {
      const n = await this.pass();
      if (n > 0) this.log.warn(`failed ${n} hung provisioner job(s)`);
    } catch (err) {
      this.log.error(`provisioner job reaper failed: ${String(err)}`);
    }
  }
}
