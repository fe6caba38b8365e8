import { Injectable } from '@nestjs/common';
import type { Actor } from '#httpapi/auth-decorators.js';
import { AuthzService } from '../auth/authz.service.js';
import { parseGoDuration } from '../config/duration.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { DaemonsRepository } from './daemons.repository.js';
import { toProvisionerDaemon } from './job.mapper.js';
import { StrictQuery } from './job-query.js';
import type { ProvisionerDaemon } from './jobs.dto.js';

@Injectable()
export class ProvisionerDaemonsService {
  constructor(
    private readonly daemons: DaemonsRepository,
    private readonly orgs: OrganizationsService,
    private readonly authz: AuthzService,
  ) {}

  /** GET /organizations/{org}/provisionerdaemons with Coder's filters; offline daemons only when asked for. */
  async list(actor: Actor, orgParam: string, query: Record<string, unknown>): Promise<ProvisionerDaemon[]> {
    const q = new StrictQuery(query, ['limit', 'ids', 'tags', 'offline', 'status', 'max_age']);
    const limit = q.int('limit', 50);
    const ids = q.uuids('ids');
    const tags = q.tags('tags');
    const offline = q.bool('offline');
    const statuses = q.oneOf('status', ['offline', 'idle', 'busy'] as const);
    const maxAgeMs = q.parsed('max_age', parseGoDuration, 'a duration such as "30s" or "1h"');
    q.done();
    const org = await this.orgs.resolve(actor, orgParam);
    this.authz.requireRead(actor, { type: 'provisioner_daemon', orgId: org.id });
    return (await this.daemons.list(org.id, { limit, ids, tags, statuses, includeOffline: offline === true, maxAgeMs })).map(toProvisionerDaemon);
  }
}
