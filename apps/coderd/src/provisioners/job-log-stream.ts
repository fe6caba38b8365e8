import { Injectable } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { JobEvents } from './job-events.js';
import { JobsRepository } from './jobs.repository.js';

/**
 * Follows a job's logs as Server-Sent Events: what exists after `after`, then every new batch as
 * the database announces it, one `data` event per log line; the stream ends with the job.
 */
@Injectable()
export class JobLogStream {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly events: JobEvents,
  ) {}

  async follow(out: ServerResponse, jobId: string, after: number, toWire: (l: Awaited<ReturnType<JobsRepository['logs']>>[number]) => unknown): Promise<void> {
    out.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    let last = after;
    let reading = Promise.resolve();
    let ended = false;
    let stop: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (stop = resolve));
    const read = () => {
      reading = reading.then(async () => {
        if (ended) return;
        // Read the status first: logs written before completion are then surely in the read below.
        const job = await this.jobs.find(jobId);
        for (const l of await this.jobs.logs(jobId, last)) {
          last = l.id;
          out.write(`event: data\ndata: ${JSON.stringify(toWire(l))}\n\n`);
        }
        if (!job || job.completed_at) {
          ended = true;
          stop();
        }
      }).catch(() => {
        ended = true;
        stop();
      });
    };
    const unwatch = this.events.watchJob(jobId, read);
    out.on('close', () => {
      ended = true;
      stop();
    });
    read();
    await finished;
    unwatch();
    if (!out.writableEnded) out.end();
  }
}
