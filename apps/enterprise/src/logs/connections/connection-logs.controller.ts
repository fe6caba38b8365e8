import { Controller, Req } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequireFeature } from '#entitlements/require-feature.js';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { queryParam, type AnyRequest } from '#httpapi/http.js';
import { ConnectionLogResponse } from '../logs.dto.js';
import { DEFAULT_LOG_LIMIT, MAX_LOG_LIMIT, parseLogPage } from '../log-page.js';
import { ConnectionLogsService } from './connection-logs.service.js';

/** Who connected to which workspace, how, and for how long. Same readers as the audit log. */
@ApiTags('Enterprise')
@Authenticated()
@RequireFeature('connection_log')
@Controller('api/v2/connectionlog')
export class ConnectionLogsController {
  constructor(private readonly connections: ConnectionLogsService) {}

  @ApiQuery({
    name: 'q',
    required: false,
    description:
      'Search terms `key:value` (the whole query is lowercased): organization (id or name), workspace_owner (username or "me"), ' +
      'workspace_owner_email, type (ssh, vscode, jetbrains, reconnecting_pty, workspace_app, port_forwarding), username and ' +
      'user_email (the connecting user of a web request), connected_after and connected_before (RFC 3339, inclusive), workspace_id, ' +
      'connection_id, status (ongoing or completed; agent sessions only).',
  })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: `Page size, up to ${MAX_LOG_LIMIT}; ${DEFAULT_LOG_LIMIT} when absent or 0.` })
  @ApiQuery({ name: 'offset', required: false, type: Number, description: 'Rows to skip.' })
  @Endpoint('GET', '', {
    id: 'getConnectionLogs',
    summary: 'Get connection logs',
    description: 'Newest connection first. `count` stops at `count_cap` + 1: a count above the cap means "more than the cap".',
    response: ConnectionLogResponse,
    errors: [403],
  })
  list(@CurrentActor() actor: Actor, @Req() req: AnyRequest): Promise<ConnectionLogResponse> {
    return this.connections.list(actor, queryParam(req, 'q'), parseLogPage(req));
  }
}
