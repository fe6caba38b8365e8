import { Injectable } from '@nestjs/common';
import { COUNT_CAP } from '#db/capped-count.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import type { Pagination } from '#httpapi/pagination.js';
import type * as sdk from '#sdk/logs.js';
import { AuthzService } from '#coderd/auth/authz.service.js';
import { CONNECTION_TYPES } from '#coderd/connectionlog/connection-logger.js';
import { OrganizationsRepository } from '#coderd/organizations/organizations.repository.js';
import { LogQuery } from '../log-search.js';
import { organizationId, readableLogs } from '../log-page.js';
import { toConnectionLog } from './connection-log.mapper.js';
import { CONNECTION_LOG_ORG_COLUMN, ConnectionLogsRepository, type ConnectionLogFilter } from './connection-logs.repository.js';

export const INVALID_CONNECTION_SEARCH = 'Invalid connection search query.';
const CONNECTION_KEYS = [
  'organization', 'workspace_owner', 'workspace_owner_email', 'type', 'username', 'user_email',
  'connected_after', 'connected_before', 'workspace_id', 'connection_id', 'status',
] as const;

/** Reading the connection log: owners and auditors everywhere, organization auditors in their organizations. */
@Injectable()
export class ConnectionLogsService {
  constructor(
    private readonly logs: ConnectionLogsRepository,
    private readonly orgs: OrganizationsRepository,
    private readonly authz: AuthzService,
  ) {}

  async list(actor: Actor, q: string | undefined, page: Pagination): Promise<sdk.ConnectionLogResponse> {
    const authorized = readableLogs(this.authz, actor, 'connection_log', CONNECTION_LOG_ORG_COLUMN);
    const filter = await this.parse(actor, q);
    const { count, rows } = await this.logs.list(filter, page, authorized);
    return { connection_logs: rows.map(toConnectionLog), count, count_cap: COUNT_CAP };
  }

  /** Coder's connection query: a bare word is refused (it has no default key); `me` is the caller. */
  private async parse(actor: Actor, q: string | undefined): Promise<ConnectionLogFilter> {
    const query = new LogQuery(INVALID_CONNECTION_SEARCH, CONNECTION_KEYS, q, 'search');
    const owner = query.user('workspace_owner');
    const user = query.user('username');
    const filter: ConnectionLogFilter = {
      workspaceOwnerId: owner?.kind === 'me' ? actor.userId : undefined,
      workspaceOwnerUsername: owner?.kind === 'username' ? owner.username : undefined,
      workspaceOwnerEmail: query.string('workspace_owner_email'),
      type: query.oneOf('type', CONNECTION_TYPES),
      userId: user?.kind === 'me' ? actor.userId : undefined,
      username: user?.kind === 'username' ? user.username : undefined,
      userEmail: query.string('user_email'),
      connectedAfter: query.time('connected_after'),
      connectedBefore: query.time('connected_before'),
      workspaceId: query.uuid('workspace_id'),
      connectionId: query.uuid('connection_id'),
      status: query.oneOf('status', ['ongoing', 'completed'] as const),
    };
    const org = query.organization();
    query.done();
    filter.organizationId = await organizationId(this.orgs, org, INVALID_CONNECTION_SEARCH);
    return filter;
  }
}
