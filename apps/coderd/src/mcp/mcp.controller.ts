import type { IncomingMessage } from 'node:http';
import { Body, Controller, Req, Res } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { queryParam, type AnyRequest } from '#httpapi/http.js';
import { takeRawResponse } from '#httpapi/raw-response.js';
import { RequireExperiment } from '#httpapi/require-experiment.js';
import { invalidField } from '#httpapi/api-error.js';
import { McpService } from './mcp.service.js';

const TRANSPORT = 'MCP Streamable HTTP, stateless: each POST carries one JSON-RPC message (or batch) and is answered as JSON; there is no session and no server-initiated stream.';

/** Coder's MCP server: tools over the API, run with the caller's token and permissions. */
@ApiTags('MCP')
@Authenticated()
@RequireExperiment('mcp-server-http')
@Controller('api/experimental/mcp/http')
export class McpController {
  constructor(private readonly mcp: McpService) {}

  @ApiQuery({ name: 'toolset', required: false, description: 'Only `standard` (the default).' })
  @ApiBody({ schema: { type: 'object', description: 'A JSON-RPC 2.0 request, notification or batch.' } })
  @Endpoint('POST', '', {
    id: 'postMcpHttp',
    summary: 'MCP server',
    description: `${TRANSPORT} Authenticate with an OAuth2 access token (\`Authorization: Bearer\`) or any Coder session token; a 401 names the protected resource metadata for OAuth2 discovery.`,
    responseSchema: { type: 'object', description: 'The JSON-RPC response.' },
    status: 200,
    changesState: false,
  })
  async post(@CurrentActor() actor: Actor, @Req() req: AnyRequest, @Body() body: unknown, @Res() res: unknown): Promise<void> {
    const toolset = queryParam(req, 'toolset');
    if (toolset !== undefined && toolset !== 'standard') throw invalidField('toolset', `Invalid toolset: ${toolset}`, `Invalid toolset: ${toolset}`);
    const raw = (req.raw ?? req) as IncomingMessage;
    await this.mcp.handle(actor, raw, takeRawResponse(res), body);
  }

  @Endpoint('GET', '', { id: 'getMcpHttp', summary: 'MCP server (no stream)', description: `${TRANSPORT} GET answers 405.`, status: 405, changesState: false })
  get(@Res() res: unknown): void {
    McpService.methodNotAllowed(takeRawResponse(res));
  }

  @Endpoint('DELETE', '', { id: 'deleteMcpHttp', summary: 'MCP server (no session)', description: `${TRANSPORT} DELETE answers 405.`, status: 405, changesState: false })
  delete(@Res() res: unknown): void {
    McpService.methodNotAllowed(takeRawResponse(res));
  }
}
