import { Injectable } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { invalidField } from '#httpapi/api-error.js';
import { queryParam, setHeader, type AnyRequest, type AnyResponse } from '#httpapi/http.js';
import { logIdParam } from '#httpapi/pagination.js';
import { takeRawResponse } from '#httpapi/raw-response.js';
import { JobEvents } from './job-events.js';
import { toJobLog } from './job.mapper.js';
import type { ProvisionerJobLog } from './jobs.dto.js';
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

  /**
   * A job's logs route (template version and workspace build logs alike), for a job the caller may
   * read: `after`, `format=json|text`, and `follow` (Server-Sent Events until the job ends).
   */
  async respond(req: AnyRequest, res: AnyResponse, jobId: string): Promise<ProvisionerJobLog[] | string | void> {
    const follow = queryParam(req, 'follow') === 'true' || queryParam(req, 'follow') === '';
    const format = queryParam(req, 'format') ?? 'json';
    if (format !== 'json' && format !== 'text') throw invalidField('format', 'Must be "json" or "text".');
    if (follow && format === 'text') throw invalidField('format', 'Text logs cannot be followed; use format=json.');
    const after = logIdParam('after', queryParam(req, 'after'));
    if (follow) return this.follow(takeRawResponse(res), jobId, after, toJobLog);
    const logs = (await this.jobs.logs(jobId, after)).map(toJobLog);
    if (format === 'json') return logs;
    setHeader(res, 'Content-Type', 'text/plain; charset=utf-8');
    return logs.map((l) => `${l.created_at} [${l.log_level}] [${l.log_source}] ${l.stage}: ${l.output}\n`).join('');
  }

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
