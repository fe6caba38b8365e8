import { Injectable } from '@nestjs/common';
import { notFound } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import { AuthzService } from '../auth/authz.service.js';
import { isUuid } from '../files/files.service.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { toProvisionerJob } from './job.mapper.js';
import { JOB_STATUSES, StrictQuery } from './job-query.js';
import type { ProvisionerJob } from './jobs.dto.js';
import { JobsRepository, type JobStatus, type ListedJobRow } from './jobs.repository.js';

const toWire = (j: ListedJobRow): ProvisionerJob =>
  toProvisionerJob(j, {
    versionName: j.template_version_name ?? '',
    templateId: j.template_id,
    templateName: j.template_name,
    templateDisplayName: j.template_display_name,
    templateIcon: j.template_icon,
  });

/** Operators' view of the queue: provisioner_jobs:read in the organization, else not found. */
@Injectable()
export class ProvisionerJobsService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly orgs: OrganizationsService,
    private readonly authz: AuthzService,
  ) {}

  async list(actor: Actor, orgParam: string, query: Record<string, unknown>): Promise<ProvisionerJob[]> {
    const q = new StrictQuery(query, ['limit', 'ids', 'status', 'tags', 'initiator']);
    const filter = {
      limit: q.int('limit', 50),
      ids: q.uuids('ids'),
      statuses: q.oneOf('status', JOB_STATUSES) as JobStatus[] | undefined,
      tags: q.tags('tags'),
      initiatorId: q.uuid('initiator'),
    };
    q.done();
    const org = await this.orgs.resolve(actor, orgParam);
    this.authz.requireRead(actor, { type: 'provisioner_jobs', orgId: org.id });
    return (await this.jobs.list(org.id, filter)).map(toWire);
  }

  async get(actor: Actor, orgParam: string, jobId: string): Promise<ProvisionerJob> {
    const org = await this.orgs.resolve(actor, orgParam);
    this.authz.requireRead(actor, { type: 'provisioner_jobs', orgId: org.id });
    const [job] = isUuid(jobId) ? await this.jobs.list(org.id, { ids: [jobId], limit: 1 }) : [];
    if (!job) throw notFound();
    return toWire(job);
  }
}
