import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { JsonProvisioner } from '#provisioner/json-provisioner.js';
import { DAEMON_API_VERSION, DAEMON_VERSION, type AcquiredJob, type DaemonApi } from '#provisioner/protocol.js';
import { JobRunner } from '#provisioner/runner.js';
import type { DeploymentConfig } from '../config/config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { DefaultOrganizationService } from '../organizations/default-organization.service.js';
import { DEPLOYMENT_CONFIG } from '../tokens.js';
import { BUILTIN_KEY_ID, DaemonsRepository, type DaemonIdentity } from './daemons.repository.js';
import { JobEvents } from './job-events.js';
import { ProvisionerdService } from './provisionerd.service.js';

/**
 * The provisioner daemons that start with the server (CODER_PROVISIONER_DAEMONS, default 3), for
 * the default organization, as Coder's built-in ones. Each runs the same JobRunner an external
 * daemon runs, talking to ProvisionerdService directly instead of over HTTP.
 */
@Injectable()
export class BuiltinDaemonsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('provisionerd');
  private readonly stop = new AbortController();
  private loops: Promise<void>[] = [];
  private readonly replicaId = randomUUID();
  private readonly jobsDone: Counter<'type' | 'outcome'>;
  private readonly busy: Gauge;

  constructor(
    @Inject(DEPLOYMENT_CONFIG) private readonly config: DeploymentConfig,
    private readonly provisionerd: ProvisionerdService,
    private readonly daemons: DaemonsRepository,
    private readonly defaultOrg: DefaultOrganizationService,
    private readonly events: JobEvents,
    metrics: MetricsService,
  ) {
    this.jobsDone = new Counter({
      name: 'coderd_provisionerd_jobs_total',
      help: 'Jobs the built-in provisioner daemons of this replica finished, by type and outcome.',
      labelNames: ['type', 'outcome'],
      registers: [metrics.registry],
    });
    this.busy = new Gauge({ name: 'coderd_provisionerd_busy_daemons', help: 'Built-in daemons of this replica running a job.', registers: [metrics.registry] });
  }

  onApplicationBootstrap(): void {
    for (let i = 0; i < this.config.provisionerDaemons; i++) this.loops.push(this.serve(i));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stop.abort();
    await Promise.all(this.loops);
  }

  private async serve(index: number): Promise<void> {
    const daemon = await this.register(index);
    if (!daemon) return;
    const api: DaemonApi = {
      acquire: (signal) => this.provisionerd.acquire(daemon, signal),
      update: (req) => this.provisionerd.update(daemon, req),
      complete: (job) => this.provisionerd.complete(daemon, job),
      fail: (job) => this.provisionerd.fail(daemon, job),
      watchCancel: (jobId, fn) => this.provisionerd.watchCancel(jobId, fn),
    };
    const runner = new JobRunner(api, new JsonProvisioner(), {
      onJobStart: () => this.busy.inc(),
      onJobDone: (job: AcquiredJob, outcome) => {
        this.busy.dec();
        this.jobsDone.inc({ type: job.type, outcome });
      },
      onError: (err) => this.log.error(`built-in daemon ${index}: ${(err as Error)?.stack ?? String(err)}`),
    });
    await runner.serve(this.stop.signal);
  }

  /**
   * Registers daemon `index` once the default organization exists (it is created with the first
   * user; no job can be posted before, so waiting for the first posted job is enough).
   */
  private async register(index: number): Promise<DaemonIdentity | undefined> {
    while (!this.stop.signal.aborted) {
      const generation = this.events.postedGeneration;
      try {
        const org = await this.defaultOrg.find();
        if (org) {
          await this.daemons.ensureReservedKey(org.id, BUILTIN_KEY_ID);
          const identity = { organizationId: org.id, provisioners: ['echo', 'terraform'] as DaemonIdentity['provisioners'], tags: { scope: 'organization', owner: '' } };
          const id = await this.daemons.upsert({
            id: randomUUID(),
            ...identity,
            name: `${hostname()}-${this.replicaId.slice(0, 8)}-${index}`,
            version: DAEMON_VERSION,
            apiVersion: DAEMON_API_VERSION,
            keyId: BUILTIN_KEY_ID,
            replicaId: this.replicaId,
          });
          return { id, ...identity };
        }
      } catch (err) {
        this.log.warn(`built-in daemon ${index} could not register: ${String(err)}`);
      }
      // A job posted while we looked (the first import) means the organization exists now: look again.
      if (generation !== this.events.postedGeneration) continue;
      await this.events.waitForPosted(this.stop.signal, 5_000);
    }
    return undefined;
  }
}
