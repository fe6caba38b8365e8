import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { ApiError, badRequest } from '#httpapi/api-error.js';
import { checkCompleted, checkFailed, checkRegistration, checkUpdate, incompatibleVersion, type FieldProblem } from '#provisioner/protocol-check.js';
import type { AcquiredJob, CompletedJob, DaemonRegistration, FailedJob, RegisteredDaemon, UpdateJobRequest, UpdateJobResponse } from '#provisioner/protocol.js';
import { mutateTags } from '#provisioner/tags.js';
import { MetricsService } from '#coderd/metrics/metrics.service.js';
import { Draining } from '#coderd/server/draining.js';
import { DaemonsRepository, type DaemonIdentity } from '#coderd/provisioners/daemons.repository.js';
import { StrictQuery } from '#coderd/provisioners/job-query.js';
import { ProvisionerdService } from '#coderd/provisioners/provisionerd.service.js';
import type { ProvisionerKeyRow } from './provisioner-keys.repository.js';

/** How long an acquire request waits for a job when the daemon does not say (`wait_ms`), and at most. */
export const ACQUIRE_WAIT_DEFAULT_MS = 25_000;
export const ACQUIRE_WAIT_MAX_MS = 60_000;

const invalid = (problems: FieldProblem[]) => badRequest('Invalid provisioner daemon message.', undefined, problems);

/**
 * The daemon protocol over HTTP for external provisioner daemons (docs/provisioners.md): the same
 * ProvisionerdService calls the built-in daemons make in-process, after the key has been checked
 * and the message validated. A daemon acts only as the row it registered with that key.
 */
@Injectable()
export class ExternalDaemonsService {
  private readonly messages: Counter<'call' | 'outcome'>;
  private readonly waiting: Gauge;

  constructor(
    private readonly daemons: DaemonsRepository,
    private readonly provisionerd: ProvisionerdService,
    /** Waiting acquires answer 204 when the server starts to stop, so shutdown does not wait for them. */
    private readonly draining: Draining,
    metrics: MetricsService,
  ) {
    this.messages = new Counter({
      name: 'coderd_provisionerd_external_requests_total',
      help: 'Protocol requests from external provisioner daemons, by call and outcome.',
      labelNames: ['call', 'outcome'],
      registers: [metrics.registry],
    });
    this.waiting = new Gauge({
      name: 'coderd_provisionerd_external_acquires_waiting',
      help: 'Acquire requests from external provisioner daemons waiting for a job on this replica.',
      registers: [metrics.registry],
    });
  }

  /**
   * Registers a daemon under the key (or takes over the row of a daemon of the same name after a
   * restart). The key decides organization and tags, as in Coder: a daemon may not bring its own.
   */
  async register(key: ProvisionerKeyRow, body: unknown): Promise<RegisteredDaemon> {
    return this.counted('register', async () => {
      const problems = checkRegistration(body);
      if (problems.length) throw invalid(problems);
      const reg = body as DaemonRegistration;
      if (reg.tags && Object.keys(reg.tags).length > 0) {
        throw new ApiError(403, `You aren't allowed to create provisioner daemons with scope "${reg.tags.scope ?? ''}"`, 'tags are not allowed when using a provisioner key');
      }
      const versionProblem = incompatibleVersion(reg.api_version);
      if (versionProblem) throw badRequest('Incompatible or unparsable version', undefined, [{ field: 'api_version', detail: versionProblem }]);
      const provisioners = [...new Set(reg.provisioners)];
      const tags = mutateTags('', key.tags);
      const id = await this.daemons.upsert({
        id: randomUUID(),
        organizationId: key.organization_id,
        name: reg.name,
        provisioners,
        tags,
        version: reg.version ?? '',
        apiVersion: reg.api_version,
        keyId: key.id,
        replicaId: null,
      });
      return { id, organization_id: key.organization_id, name: reg.name, provisioners, tags };
    });
  }

  /**
   * Waits up to `wait_ms` (query) for a job; null when none came, the daemon went away or the
   * server began to stop.
   */
  async acquire(daemon: DaemonIdentity, query: Record<string, unknown>, gone: AbortSignal): Promise<AcquiredJob | null> {
    return this.counted('acquire', async () => {
      const q = new StrictQuery(query, ['wait_ms']);
      const waitMs = q.int('wait_ms', ACQUIRE_WAIT_DEFAULT_MS, ACQUIRE_WAIT_MAX_MS);
      q.done();
      this.waiting.inc();
      try {
        return await this.provisionerd.acquire(daemon, AbortSignal.any([gone, this.draining.signal, AbortSignal.timeout(waitMs)]));
      } finally {
        this.waiting.dec();
      }
    });
  }

  async update(daemon: DaemonIdentity, body: unknown): Promise<UpdateJobResponse> {
    return this.counted('update', async () => {
      const problems = checkUpdate(body);
      if (problems.length) throw invalid(problems);
      return this.provisionerd.update(daemon, body as UpdateJobRequest);
    });
  }

  async complete(daemon: DaemonIdentity, body: unknown): Promise<void> {
    return this.counted('complete', async () => {
      const problems = checkCompleted(body);
      if (problems.length) throw invalid(problems);
      await this.provisionerd.complete(daemon, body as CompletedJob);
    });
  }

  async fail(daemon: DaemonIdentity, body: unknown): Promise<void> {
    return this.counted('fail', async () => {
      const problems = checkFailed(body);
      if (problems.length) throw invalid(problems);
      await this.provisionerd.fail(daemon, body as FailedJob);
    });
  }

  private async counted<T>(call: string, fn: () => Promise<T>): Promise<T> {
    try {
      const out = await fn();
      this.messages.inc({ call, outcome: 'ok' });
      return out;
    } catch (err) {
      this.messages.inc({ call, outcome: err instanceof ApiError && err.status < 500 ? 'refused' : 'error' });
      throw err;
    }
  }
}
