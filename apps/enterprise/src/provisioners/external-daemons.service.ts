import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { ApiError, badRequest, notFound } from '#httpapi/api-error.js';
import { UUID_RE } from '#httpapi/pagination.js';
import { checkCompleted, checkFailed, checkRegistration, checkUpdate, type FieldProblem } from '#provisioner/protocol-check.js';
import { DAEMON_API_VERSION, type AcquiredJob, type CompletedJob, type DaemonRegistration, type FailedJob, type UpdateJobRequest, type UpdateJobResponse } from '#provisioner/protocol.js';
import { mutateTags } from '#provisioner/tags.js';
import type { RegisteredDaemon } from '#provisioner/http-daemon-api.js';
import { MetricsService } from '#coderd/metrics/metrics.service.js';
import { Draining } from '#coderd/server/draining.js';
import { DaemonsRepository, type DaemonIdentity } from '#coderd/provisioners/daemons.repository.js';
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
      if (provisioners.length === 0) throw invalid([{ field: 'provisioners', detail: 'At least one provisioner type is required.' }]);
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

  /** Waits up to `waitMs` for a job; null when none came (or the daemon went away). */
  async acquire(key: ProvisionerKeyRow, daemonId: string, waitMs: number, gone: AbortSignal): Promise<AcquiredJob | null> {
    return this.counted('acquire', async () => {
      const daemon = await this.identity(key, daemonId);
      this.waiting.inc();
      try {
        return await this.provisionerd.acquire(daemon, AbortSignal.any([gone, this.draining.signal, AbortSignal.timeout(waitMs)]));
      } finally {
        this.waiting.dec();
      }
    });
  }

  async update(key: ProvisionerKeyRow, daemonId: string, body: unknown): Promise<UpdateJobResponse> {
    return this.counted('update', async () => {
      const problems = checkUpdate(body);
      if (problems.length) throw invalid(problems);
      return this.provisionerd.update(await this.identity(key, daemonId), body as UpdateJobRequest);
    });
  }

  async complete(key: ProvisionerKeyRow, daemonId: string, body: unknown): Promise<void> {
    return this.counted('complete', async () => {
      const problems = checkCompleted(body);
      if (problems.length) throw invalid(problems);
      await this.provisionerd.complete(await this.identity(key, daemonId), body as CompletedJob);
    });
  }

  async fail(key: ProvisionerKeyRow, daemonId: string, body: unknown): Promise<void> {
    return this.counted('fail', async () => {
      const problems = checkFailed(body);
      if (problems.length) throw invalid(problems);
      await this.provisionerd.fail(await this.identity(key, daemonId), body as FailedJob);
    });
  }

  /** The daemon row registered with this key; gone (its key deleted and re-created, say) is 404: register again. */
  private async identity(key: ProvisionerKeyRow, daemonId: string): Promise<DaemonIdentity> {
    const daemon = UUID_RE.test(daemonId) ? await this.daemons.identity(daemonId, key.id) : undefined;
    if (!daemon) throw notFound('No provisioner daemon with this id is registered with this key; register again.');
    return daemon;
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

/** Coder's rule: the same major version, and a minor version no newer than the server's. */
export function incompatibleVersion(version: string): string | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(version);
  if (!m) return `"${version}" is not a version of the form MAJOR.MINOR.`;
  const [major, minor] = DAEMON_API_VERSION.split('.').map(Number);
  if (Number(m[1]) !== major) return `Major version ${m[1]} is not supported; this server speaks ${DAEMON_API_VERSION}.`;
  if (Number(m[2]) > minor) return `Minor version ${m[2]} is newer than this server's ${DAEMON_API_VERSION}.`;
  return undefined;
}
