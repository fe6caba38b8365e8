import { Injectable } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { invalidField } from '#httpapi/api-error.js';
import { queryParam, setHeader, type AnyRequest, type AnyResponse } from '#httpapi/http.js';
import { logIdParam } from '#httpapi/pagination.js';
import { streamEvents } from '#httpapi/event-stream.js';
import { takeRawResponse } from '#httpapi/raw-response.js';
import { Draining } from '../server/draining.js';
import { JobEvents } from './job-events.js';
import { toJobLog } from './job.mapper.js';
import type { ProvisionerJobLog } from './jobs.dto.js';
import { JobsRepository } from './jobs.repository.js';

/** A job's logs, as JSON, text, or followed as Server-Sent Events (template version and build logs alike). */
@Injectable()
export class JobLogStream {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly events: JobEvents,
    private readonly draining: Draining,
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
    if (follow) return this.follow(takeRawResponse(res), jobId, after);
    const logs = (await this.jobs.logs(jobId, after)).map(toJobLog);
    if (format === 'json') return logs;
    setHeader(res, 'Content-Type', 'text/plain; charset=utf-8');
    return logs.map((l) => `${l.created_at} [${l.log_level}] [${l.log_source}] ${l.stage}: ${l.output}\n`).join('');
  }

  /** The job's logs after `after`, then each new batch as the database announces it; ends with the job. */
  private follow(out: ServerResponse, jobId: string, after: number): Promise<void> {
    let last = after;
    return streamEvents(
      out,
      {
        read: async (send) => {
          // Read the status first: logs written before completion are then surely in the read below.
          const job = await this.jobs.find(jobId);
          for (const l of await this.jobs.logs(jobId, last)) {
            last = l.id;
            send(toJobLog(l));
          }
          return !job || job.completed_at !== null;
        },
        watch: (wake) => this.events.watchJob(jobId, wake),
      },
      this.draining.signal,
    );
  }
}
