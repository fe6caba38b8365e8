import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Pubsub } from '#db/pubsub.js';

export type JobEvent = { kind: 'status'; status: string } | { kind: 'logs' };

/**
 * The queue's announcements, from the database's triggers (migration 1733000000000): a job was
 * posted (daemons waiting for work try again) and a job changed or logged (followers read on, the
 * daemon running a cancelled job stops). Every replica hears every announcement.
 */
@Injectable()
export class JobEvents implements OnModuleInit {
  /** Bumped by every posted job (and reconnect): an acquirer compares it around its query to never miss a wake-up. */
  private generation = 0;
  private readonly postedWaiters = new Set<() => void>();
  private readonly jobListeners = new Map<string, Set<(e: JobEvent) => void>>();

  constructor(private readonly pubsub: Pubsub) {}

  async onModuleInit(): Promise<void> {
    await this.pubsub.subscribe('provisioner_job_posted', () => this.wakeAcquirers());
    await this.pubsub.subscribe('provisioner_job_updated', (payload) => {
      const [jobId, what] = payload.split(' ');
      const event: JobEvent = what === 'logs' ? { kind: 'logs' } : { kind: 'status', status: what };
      for (const fn of this.jobListeners.get(jobId) ?? []) fn(event);
    });
    // Announcements may have been lost while reconnecting: everyone looks again.
    this.pubsub.onReconnect(() => {
      this.wakeAcquirers();
      for (const set of this.jobListeners.values()) for (const fn of set) fn({ kind: 'logs' });
    });
  }

  get postedGeneration(): number {
    return this.generation;
  }

  /** Resolves at the next posted job, after `maxWaitMs`, or when `signal` aborts. */
  waitForPosted(signal: AbortSignal, maxWaitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.postedWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      timer.unref();
      if (signal.aborted) return done();
      signal.addEventListener('abort', done, { once: true });
      this.postedWaiters.add(done);
    });
  }

  /** Calls `fn` for every change and log batch of the job until the returned function is called. */
  watchJob(jobId: string, fn: (e: JobEvent) => void): () => void {
    let set = this.jobListeners.get(jobId);
    if (!set) {
      set = new Set();
      this.jobListeners.set(jobId, set);
    }
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.jobListeners.delete(jobId);
    };
  }

  private wakeAcquirers(): void {
    this.generation++;
    for (const wake of [...this.postedWaiters]) wake();
  }
}
