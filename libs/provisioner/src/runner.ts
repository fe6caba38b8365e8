// A provisioner daemon's work loop, the same for the built-in daemons and external ones: take a job,
// run it with the provisioner, stream its logs (which also keep the job alive), report the result.
import type { AcquiredJob, DaemonApi, JobLog } from './protocol.js';
import { ProvisionerCanceledError, ProvisionerError, type Provisioner, type ProvisionerSession } from './provisioner.js';

export interface RunnerOptions {
  /** How often a running job reports that it is alive when it has no logs to send. */
  heartbeatMs: number;
  /** Logs are sent in batches at most this far apart. */
  logFlushMs: number;
  onJobStart?: (job: AcquiredJob) => void;
  /** Told about jobs that end, for metrics and daemon logs. */
  onJobDone?: (job: AcquiredJob, outcome: 'succeeded' | 'failed' | 'canceled', error?: string) => void;
  /** An unexpected error (the server unreachable, a bug); the loop goes on after a pause. */
  onError?: (err: unknown) => void;
}

const DEFAULTS: RunnerOptions = { heartbeatMs: 10_000, logFlushMs: 100 };

export class JobRunner {
  private readonly opts: RunnerOptions;

  constructor(
    private readonly api: DaemonApi,
    private readonly provisioner: Provisioner,
    opts: Partial<RunnerOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  /** Runs jobs until `signal` aborts; a job in progress when it does is cancelled and reported. */
  async serve(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let job: AcquiredJob | null;
      try {
        job = await this.api.acquire(signal);
      } catch (err) {
        if (signal.aborted) break;
        this.opts.onError?.(err);
        await pause(1000, signal);
        continue;
      }
      if (job) await this.run(job, signal);
    }
  }

  /** Runs one job to its end and reports it. Never throws. */
  async run(job: AcquiredJob, daemonSignal: AbortSignal): Promise<void> {
    const cancel = new AbortController();
    const onDaemonStop = () => cancel.abort();
    daemonSignal.addEventListener('abort', onDaemonStop, { once: true });
    const unwatch = this.api.watchCancel?.(job.job_id, () => cancel.abort());
    this.opts.onJobStart?.(job);
    const logs = new LogStream(this.api, job.job_id, cancel, this.opts);
    const session: ProvisionerSession = { log: (level, stage, output) => logs.push(level, stage, output), signal: cancel.signal };
    try {
      const source = Buffer.from(job.template_source_archive, 'base64');
      if (job.type === 'template_version_import') {
        const result = await this.provisioner.importTemplate(source, { variables: job.template_import?.user_variable_values ?? [] }, session);
        await logs.close();
        await this.api.complete({ job_id: job.job_id, template_import: result });
      } else if (job.type === 'workspace_build' && job.workspace_build) {
        const b = job.workspace_build;
        const result = await this.provisioner.build(
          source,
          {
            transition: b.transition,
            parameters: b.rich_parameter_values,
            variables: b.variable_values ?? [],
            state: Buffer.from(b.state, 'base64'),
            workspace: { id: b.metadata.workspace_id, name: b.workspace_name, owner: b.metadata.workspace_owner, owner_id: b.metadata.workspace_owner_id },
          },
          session,
        );
        await logs.close();
        await this.api.complete({ job_id: job.job_id, workspace_build: { state: Buffer.from(result.state).toString('base64'), resources: result.resources, ai_tasks: result.ai_tasks } });
      } else {
        throw new ProvisionerError(`This daemon cannot run ${job.type} jobs.`);
      }
      this.opts.onJobDone?.(job, 'succeeded');
    } catch (err) {
      const canceled = err instanceof ProvisionerCanceledError || cancel.signal.aborted;
      const message = canceled ? 'canceled' : err instanceof ProvisionerError ? err.message : `provisioner daemon error: ${(err as Error).message}`;
      if (!canceled && !(err instanceof ProvisionerError)) this.opts.onError?.(err);
      await logs.close().catch(() => undefined);
      await this.api.fail({ job_id: job.job_id, error: message }).catch((e) => this.opts.onError?.(e));
      this.opts.onJobDone?.(job, canceled ? 'canceled' : 'failed', message);
    } finally {
      daemonSignal.removeEventListener('abort', onDaemonStop);
      unwatch?.();
    }
  }
}

/** Batches a job's logs; every send is also its heartbeat, and an answer "canceled" aborts the job. */
class LogStream {
  private pending: JobLog[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly api: DaemonApi,
    private readonly jobId: string,
    private readonly cancel: AbortController,
    private readonly opts: RunnerOptions,
  ) {
    this.heartbeat = setInterval(() => this.flush(), opts.heartbeatMs);
    this.heartbeat.unref();
  }

  push(level: JobLog['level'], stage: string, output: string): void {
    this.pending.push({ created_at: new Date().toISOString(), source: 'provisioner', level, stage, output });
    this.timer ??= setTimeout(() => this.flush(), this.opts.logFlushMs);
  }

  private flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const logs = this.pending;
    this.pending = [];
    // Sends stay in order; a failed heartbeat is retried by the next one.
    this.sending = this.sending.then(async () => {
      try {
        const res = await this.api.update({ job_id: this.jobId, logs });
        if (res.canceled) this.cancel.abort();
      } catch (err) {
        this.pending.unshift(...logs);
        this.opts.onError?.(err);
      }
    });
    return this.sending;
  }

  /** Sends what is left and stops the heartbeat. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    if (this.pending.length > 0 || this.timer) await this.flush();
    await this.sending;
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
