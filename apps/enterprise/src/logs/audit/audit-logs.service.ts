import { Injectable } from '@nestjs/common';
import { COUNT_CAP } from '#db/capped-count.js';
import { BUILD_REASONS } from '#db/entities/workspace-build.entity.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import type { Pagination } from '#httpapi/pagination.js';
import type * as sdk from '#sdk/logs.js';
import { AUDIT_ACTIONS, AUDIT_RESOURCE_TYPES } from '#coderd/audit/auditor.js';
import { AuthzService } from '#coderd/auth/authz.service.js';
import { OrganizationsRepository } from '#coderd/organizations/organizations.repository.js';
import { LogQuery } from '../log-search.js';
import { organizationId, readableLogs } from '../log-page.js';
import { toAuditLog } from './audit-log.mapper.js';
import { AUDIT_LOG_ORG_COLUMN, AuditLogsRepository, type AuditLogFilter } from './audit-logs.repository.js';

export const INVALID_AUDIT_SEARCH = 'Invalid audit search query.';
const AUDIT_KEYS = ['resource_type', 'resource_id', 'resource_target', 'action', 'build_reason', 'request_id', 'username', 'email', 'date_from', 'date_to', 'organization'] as const;
/** Coder's date_to covers the whole day. */
const END_OF_DAY_MS = (23 * 3600 + 59 * 60 + 59) * 1000;

/** Reading the audit log: owners and auditors everywhere, organization auditors in their organizations. */
@Injectable()
export class AuditLogsService {
  constructor(
    private readonly logs: AuditLogsRepository,
    private readonly orgs: OrganizationsRepository,
    private readonly authz: AuthzService,
  ) {}

  async list(actor: Actor, q: string | undefined, page: Pagination): Promise<sdk.AuditLogResponse> {
    const authorized = readableLogs(this.authz, actor, 'audit_log', AUDIT_LOG_ORG_COLUMN);
    const filter = await this.parse(actor, q);
    const { count, rows } = await this.logs.list(filter, page, authorized);
    return { audit_logs: rows.map(toAuditLog), count, count_cap: COUNT_CAP };
  }

  /** Coder's audit query: a bare word is a resource type; users by name (`me` = caller) or email. */
  private async parse(actor: Actor, q: string | undefined): Promise<AuditLogFilter> {
    const query = new LogQuery(INVALID_AUDIT_SEARCH, AUDIT_KEYS, q, 'resource_type');
    const user = query.user('username');
    const to = query.time('date_to', true);
    const filter: AuditLogFilter = {
      resourceType: query.oneOf('resource_type', AUDIT_RESOURCE_TYPES),
      resourceId: query.uuid('resource_id'),
      resourceTarget: query.string('resource_target'),
      action: query.oneOf('action', AUDIT_ACTIONS),
      buildReason: query.oneOf('build_reason', BUILD_REASONS),
      requestId: query.uuid('request_id'),
      userId: user?.kind === 'me' ? actor.userId : undefined,
      username: user?.kind === 'username' ? user.username : undefined,
      email: query.string('email'),
      from: query.time('date_from', true),
      to: to && new Date(to.getTime() + END_OF_DAY_MS),
    };
    const org = query.organization();
    query.done();
    filter.organizationId = await organizationId(this.orgs, org, INVALID_AUDIT_SEARCH);
    return filter;
  }
}
