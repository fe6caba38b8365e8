import { Controller, Req } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequireFeature } from '#entitlements/require-feature.js';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { queryParam, type AnyRequest } from '#httpapi/http.js';
import { AuditLogResponse } from '../logs.dto.js';
import { DEFAULT_LOG_LIMIT, MAX_LOG_LIMIT, parseLogPage } from '../log-page.js';
import { AuditLogsService } from './audit-logs.service.js';

/** Who changed what. Owners and auditors read everything; organization auditors their organizations; members nothing (403). */
@ApiTags('Audit')
@Authenticated()
@RequireFeature('audit_log')
@Controller('api/v2/audit')
export class AuditLogsController {
  constructor(private readonly audit: AuditLogsService) {}

  @ApiQuery({
    name: 'q',
    required: false,
    description:
      'Search terms `key:value` (the whole query is lowercased): resource_type, resource_id, resource_target, action, build_reason, ' +
      'request_id, username (or "me"), email, date_from and date_to (YYYY-MM-DD, UTC; date_to covers its whole day), organization ' +
      '(id or name). A bare word is a resource_type.',
  })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: `Page size, up to ${MAX_LOG_LIMIT}; ${DEFAULT_LOG_LIMIT} when absent or 0.` })
  @ApiQuery({ name: 'offset', required: false, type: Number, description: 'Rows to skip.' })
  @Endpoint('GET', '', {
    id: 'getAuditLogs',
    summary: 'Get audit logs',
    description: 'Newest first. `count` stops at `count_cap` + 1: a count above the cap means "more than the cap".',
    response: AuditLogResponse,
    errors: [403],
  })
  list(@CurrentActor() actor: Actor, @Req() req: AnyRequest): Promise<AuditLogResponse> {
    return this.audit.list(actor, queryParam(req, 'q'), parseLogPage(req));
  }
}
