import { Controller, Req } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequireFeature } from '#entitlements/require-feature.js';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { queryParam, type AnyRequest } from '#httpapi/http.js';
import { parsePagination } from '#httpapi/pagination.js';
import { AIBridgeListInterceptionsResponse } from './interceptions.dto.js';
import { DEFAULT_INTERCEPTIONS_LIMIT, InterceptionsService, MAX_INTERCEPTIONS_LIMIT } from './interceptions.service.js';

/** What AI Bridge recorded: owners and auditors read every interception; members read none. */
@ApiTags('Enterprise')
@Authenticated()
@RequireFeature('aibridge')
@Controller('api/v2/aibridge/interceptions')
export class InterceptionsController {
  constructor(private readonly interceptions: InterceptionsService) {}

  @ApiQuery({
    name: 'q',
    required: false,
    description:
      'Search terms `key:value`, each key at most once: initiator: (user id, username or "me"; a bare term is the initiator), ' +
      'provider:, model:, client:, started_after: and started_before: (RFC 3339, inclusive).',
  })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: `Page size, 1 to ${MAX_INTERCEPTIONS_LIMIT}; ${DEFAULT_INTERCEPTIONS_LIMIT} when absent or 0.` })
  @ApiQuery({ name: 'offset', required: false, type: Number, description: 'Rows to skip. Not with after_id.' })
  @ApiQuery({ name: 'after_id', required: false, description: 'Cursor: continue after this interception (newest-first order). Not with offset.' })
  @Endpoint('GET', '', { id: 'listAIBridgeInterceptions', summary: 'List AI Bridge interceptions', response: AIBridgeListInterceptionsResponse, errors: [403] })
  list(@CurrentActor() actor: Actor, @Req() req: AnyRequest): Promise<AIBridgeListInterceptionsResponse> {
    const page = parsePagination(req, { defaultLimit: DEFAULT_INTERCEPTIONS_LIMIT, maxLimit: MAX_INTERCEPTIONS_LIMIT });
    return this.interceptions.list(actor, queryParam(req, 'q'), page);
  }
}
