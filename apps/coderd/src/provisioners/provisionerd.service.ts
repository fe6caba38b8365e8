import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { badRequest } from '#httpapi/api-error.js';
import type { AcquiredJob, CompletedJob, ProvisionedAgent, ProvisionedResource, FailedJob, UpdateJobRequest, UpdateJobResponse } from '#provisioner/protocol.js';
import { AgentAuthCache } from '../agents/agent-auth-cache.js';
import { Authenticator } from '../auth/authenticator.service.js';
import { BuildJobsRepository } from './build-jobs.repository.js';
import { FilesRepository } from '../files/files.repository.js';
import { TemplateVersionsRepository } from '../templates/template-versions.repository.js';
import type { DaemonIdentity } from './daemons.repository.js';
import { JobEvents } from './job-events.js';
import { JobsRepository, type JobRow } from './jobs.repository.js';
import { ExternalAgentTokens } from './external-agent-tokens.js';
import { ResourcesRepository } from './resources.repository.js';

/** An idle daemon re-checks the queue this often even when no announcement arrives (and so shows it is alive). */
export const ACQUIRE_POLL_MS = 10_000;

/**
 * The server side of the daemon protocol (#provisioner/protocol.js), the same for the built-in
 * daemons (called in-process) and external ones (over HTTP). Every call names the daemon; a daemon
 * acts only on jobs it holds.
 */
@Injectable()
export class ProvisionerdService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly jobs: JobsRepository,
    private readonly events: JobEvents,
    private readonly files: FilesRepository,
    private readonly versions: TemplateVersionsRepository,
    private readonly resources: ResourcesRepository,
    private readonly builds: BuildJobsRepository,
    private readonly externalTokens: ExternalAgentTokens,
    private readonly authenticator: Authenticator,
    private readonly agentAuth: AgentAuthCache,
  ) {}

  /** Waits for the next job this daemon can run (null once `signal` aborts). */
  async acquire(daemon: DaemonIdentity, signal: AbortSignal): Promise<AcquiredJob | null> {
    while (!signal.aborted) {
      const generation = this.events.postedGeneration;
      const job = await this.jobs.acquire(daemon);
      if (job) return this.payload(job);
      // A job posted while the query ran is tried at once rather than at the next poll.
      if (generation !== this.events.postedGeneration) continue;
      await this.events.waitForPosted(signal, ACQUIRE_POLL_MS);
    }
    return null;
  }

  async update(daemon: DaemonIdentity, req: UpdateJobRequest): Promise<UpdateJobResponse> {
    const result = await this.jobs.appendLogs(req.job_id, daemon.id, req.logs);
    // A job this daemon no longer holds (reaped, or completed elsewhere) is as good as cancelled.
    return { canceled: result?.canceled ?? true };
  }

  async complete(daemon: DaemonIdentity, done: CompletedJob): Promise<void> {
    let seatTakenBy: string | undefined;
    await this.finishing(async (db, hold) => {
      const job = await this.jobs.lockOwned(db, done.job_id, daemon.id);
      if (!job) return;
      if (job.type === 'template_version_import' && done.template_import) await this.completeImport(db, job, done.template_import);
      else if (job.type === 'workspace_build' && done.workspace_build) seatTakenBy = await this.completeBuild(db, job, done.workspace_build, hold);
      else throw badRequest(`A ${job.type} job cannot complete with ${Object.keys(done).filter((k) => k !== 'job_id').join(', ') || 'no result'}.`);
      await this.jobs.finish(db, job.id, null);
    });
    // The owner's cached user row says has_ai_seat: drop it on every replica.
    if (seatTakenBy) await this.authenticator.invalidate({ userId: seatTakenBy });
  }

  async fail(daemon: DaemonIdentity, failed: FailedJob): Promise<void> {
    await this.finishing(async (db, hold) => {
      const job = await this.jobs.lockOwned(db, failed.job_id, daemon.id);
      if (!job) return;
      if (job.type === 'workspace_build') {
        const context = await this.builds.context(job.input.workspace_build_id!);
        if (context) hold(context.workspace_id);
      }
      await this.jobs.finish(db, job.id, failed.error || 'The provisioner failed without saying why.', failed.error_code ?? null);
    });
  }

  /**
   * Ends a job in one transaction. A build's end decides whether its workspace's agents may still
   * authenticate: the workspace is held in this replica's agent auth cache from before the commit
   * until after it (other replicas hear of it from the database), so no agent request here is
   * answered from the old state.
   */
  private async finishing(fn: (db: EntityManager, hold: (workspaceId: string) => void) => Promise<void>): Promise<void> {
    const held: string[] = [];
    try {
      await this.ds.transaction((db) =>
        fn(db, (workspaceId) => {
          this.agentAuth.hold(workspaceId);
          held.push(workspaceId);
        }),
      );
    } finally {
      for (const w of held) this.agentAuth.release(w);
    }
  }

  /** Whether the job has been cancelled; `fn` is called once when it is, until the returned function is called. */
  watchCancel(jobId: string, fn: () => void): () => void {
    return this.events.watchJob(jobId, (e) => {
      if (e.kind === 'status' && (e.status === 'canceling' || e.status === 'canceled')) fn();
    });
  }

  private async completeImport(db: EntityManager, job: JobRow, r: NonNullable<CompletedJob['template_import']>): Promise<void> {
    const versionId = job.input.template_version_id!;
    const tokenOf = this.tokenOf(db);
    await this.resources.insert(db, job.id, 'start', r.start_resources, tokenOf);
    await this.resources.insert(db, job.id, 'stop', r.stop_resources, tokenOf);
    await this.versions.insertParameters(db, versionId, r.rich_parameters);
    await this.versions.insertVariables(db, versionId, r.variables ?? []);
    await this.versions.setImported(db, versionId, { readme: r.readme, hasAiTask: r.has_ai_tasks === true, hasExternalAgent: hasExternalAgent(r.start_resources) });
  }

  /** Facts 3.4: the build's resources under its transition, its state, and what the build changes. */
  private async completeBuild(db: EntityManager, job: JobRow, r: NonNullable<CompletedJob['workspace_build']>, hold: (workspaceId: string) => void): Promise<string | undefined> {
    const buildId = job.input.workspace_build_id!;
    const context = await this.builds.context(buildId);
    if (!context) return undefined;
    hold(context.workspace_id);
    await this.resources.insert(db, job.id, context.transition, r.resources, this.tokenOf(db));
    const taskAppId = r.ai_tasks?.[0]?.app_id ?? null;
    const { seatTakenBy } = await this.builds.complete(db, buildId, Buffer.from(r.state, 'base64'), { taskAppId, hasExternalAgent: hasExternalAgent(r.resources) });
    return seatTakenBy;
  }

  /** Agents authenticate with the provisioner's token, except external ones, whose token coderd derives. */
  private tokenOf(db: EntityManager): (a: ProvisionedAgent) => Promise<string> {
    return async (a) => (a.external ? this.externalTokens.tokenFor(a.id, db) : a.token);
  }

  private async payload(job: JobRow): Promise<AcquiredJob> {
    if (job.type === 'workspace_build') return this.buildPayload(job);
    const [data, context] = await Promise.all([this.files.data(job.file_id), this.versions.jobContext(job.id)]);
    const base = {
      job_id: job.id,
      created_at: job.created_at,
      provisioner: job.provisioner,
      type: job.type,
      user_name: context?.initiator_username ?? '',
      template_source_archive: (data ?? Buffer.alloc(0)).toString('base64'),
    };
    const metadata = {
      coder_url: '',
      workspace_transition: 'start' as const,
      workspace_name: '',
      workspace_owner: '',
      workspace_owner_id: '',
      workspace_id: '',
      template_name: context?.template_name ?? '',
      template_version: context?.template_version_name ?? '',
      template_id: context?.template_id ?? '',
    };
    if (job.type === 'template_version_import') return { ...base, template_import: { metadata, user_variable_values: job.input.user_variable_values ?? [] } };
    return base;
  }

  private async buildPayload(job: JobRow): Promise<AcquiredJob> {
    const [data, b] = await Promise.all([this.files.data(job.file_id), this.builds.context(job.input.workspace_build_id!)]);
    if (!b) throw new Error(`workspace build ${job.input.workspace_build_id} of job ${job.id} does not exist`);
    return {
      job_id: job.id,
      created_at: job.created_at,
      provisioner: job.provisioner,
      type: job.type,
      user_name: b.owner_username,
      template_source_archive: (data ?? Buffer.alloc(0)).toString('base64'),
      workspace_build: {
        workspace_build_id: b.build_id,
        workspace_name: b.workspace_name,
        transition: b.transition,
        rich_parameter_values: b.parameters,
        variable_values: b.variables,
        state: (b.provisioner_state ?? Buffer.alloc(0)).toString('base64'),
        log_level: job.input.log_level === 'debug' ? 'debug' : '',
        metadata: {
          coder_url: '',
          workspace_transition: b.transition,
          workspace_name: b.workspace_name,
          workspace_owner: b.owner_username,
          workspace_owner_id: b.owner_id,
          workspace_id: b.workspace_id,
          template_name: b.template_name,
          template_version: b.template_version_name,
          template_id: b.template_id,
        },
      },
    };
  }
}

const hasExternalAgent = (resources: ProvisionedResource[]): boolean => resources.some((r) => r.agents.some((a) => a.external === true));
