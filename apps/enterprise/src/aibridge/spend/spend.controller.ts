import { applyDecorators, Controller, Get, HttpCode, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequireFeature } from '#entitlements/require-feature.js';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { ErrorBodyDto } from '#httpapi/error-body.dto.js';
import { queryParam, type AnyRequest } from '#httpapi/http.js';
import { EXPORT_COLUMNS, MAX_EXPORT_DAYS, SpendExportService } from './spend-export.service.js';
import { GroupAISpendStatus, UserAISpendStatus } from './spend.dto.js';
import { SpendService } from './spend.service.js';

/**
 * A GET answering text/csv. Not @Endpoint: its documented 200 is always JSON, and @ApiProduces would
 * make the JSON error bodies text/csv too.
 */
const CsvEndpoint = (operation: { operationId: string; summary: string; description: string }) =>
  applyDecorators(
    Get(''),
    HttpCode(200),
    ApiOperation(operation),
    ApiResponse({ status: 200, description: 'CSV, streamed.', content: { 'text/csv; charset=utf-8': { schema: { type: 'string' } } } }),
    ...[400, 401, 403, 404, 429].map((status) => ApiResponse({ status, description: ERROR_TEXT[status], type: ErrorBodyDto })),
  );
const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid request (validations name each field).',
  401: 'Missing, invalid or expired session token.',
  403: 'Not allowed.',
  404: 'Not found, or not visible to the caller.',
  429: 'Rate limited.',
};

/** A user's AI budget and spend in the current period. */
@ApiTags('Enterprise')
@Authenticated()
@RequireFeature('aibridge')
@Controller('api/v2/users/:user/ai/spend')
export class UserSpendController {
  constructor(private readonly spend: SpendService) {}

  @ApiParam({ name: 'user', description: 'User id, username, or `me`.' })
  @Endpoint('GET', '', {
    id: 'getUserAISpend',
    summary: 'Get AI spend of user',
    description: 'Readable by whoever may read the user. A null budget means no budget applies (unlimited).',
    response: UserAISpendStatus,
    errors: [403],
  })
  get(@CurrentActor() actor: Actor, @Param('user') user: string): Promise<UserAISpendStatus> {
    return this.spend.userSpend(actor, user);
  }
}

/** The AI budgets and spend of a group's members. */
@ApiTags('Enterprise')
@Authenticated()
@RequireFeature('aibridge', 'template_rbac')
@Controller('api/v2/groups/:group/ai/spend')
export class GroupSpendController {
  constructor(private readonly spend: SpendService) {}

  @ApiParam({ name: 'group', description: 'Group id.', format: 'uuid' })
  @Endpoint('GET', '', {
    id: 'getGroupAISpend',
    summary: 'Get AI spend of group members',
    description:
      'Needs the `template_rbac` feature as well as `aibridge`. The group must be readable; members are those the caller may read ' +
      '(a plain member sees only themselves). Each member\'s effective budget may come from another of their groups.',
    response: GroupAISpendStatus,
    errors: [403],
  })
  get(@CurrentActor() actor: Actor, @Param('group') group: string): Promise<GroupAISpendStatus> {
    return this.spend.groupSpend(actor, group);
  }
}

/** Every token usage of an organization's members over a time range, as CSV. */
@ApiTags('Enterprise')
@Authenticated()
@RequireFeature('aibridge')
@Controller('api/v2/organizations/:organization/ai/spend/export')
export class SpendExportController {
  constructor(private readonly exporter: SpendExportService) {}

  @ApiParam({ name: 'organization', description: 'Organization id or name.' })
  @ApiQuery({ name: 'start', required: true, type: String, format: 'date-time', description: 'RFC 3339; interceptions started at or after it.' })
  @ApiQuery({ name: 'end', required: true, type: String, format: 'date-time', description: `RFC 3339; interceptions started before it. At most ${MAX_EXPORT_DAYS} days after start.` })
  @CsvEndpoint({
    operationId: 'exportOrganizationAISpend',
    summary: 'Export AI spend of organization as CSV',
    description:
      `A header row, then one row per token usage of interceptions started in [start, end) by current members of the organization, ` +
      `oldest first: ${EXPORT_COLUMNS.join(', ')}. RFC 4180 (quoted where needed, CRLF). Owners and auditors see every row; ` +
      'callers who may not read interceptions get the header only.',
  })
  export(@CurrentActor() actor: Actor, @Param('organization') org: string, @Req() req: AnyRequest, @Res() res: unknown): Promise<void> {
    return this.exporter.export(actor, org, queryParam(req, 'start'), queryParam(req, 'end'), res);
  }
}
