import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import { TasksService } from '../tasks/tasks.service.js';
import { TemplatesService } from '../templates/templates.service.js';
import { BUILD_VERSION } from '../tokens.js';
import { UsersService } from '../users/users.service.js';
import { WorkspaceBuildsService } from '../workspaces/workspace-builds.service.js';
import { WorkspacesService } from '../workspaces/workspaces.service.js';
import { registerTools, type ToolServices } from './mcp-tools.js';

/**
 * Serves MCP over Streamable HTTP with the official SDK, statelessly: a server and transport per
 * request, bound to the caller, so no state is shared between requests, users or replicas.
 */
@Injectable()
export class McpService {
  private readonly services: ToolServices;

  constructor(users: UsersService, templates: TemplatesService, workspaces: WorkspacesService, builds: WorkspaceBuildsService, tasks: TasksService) {
    this.services = { users, templates, workspaces, builds, tasks };
  }

  async handle(actor: Actor, req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const server = new McpServer({ name: 'Coder', version: BUILD_VERSION }, { capabilities: { tools: {} } });
    registerTools(server, actor, this.services);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.once('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  /** Stateless: no server-initiated stream to GET, no session to DELETE. */
  static methodNotAllowed(res: ServerResponse): void {
    res.statusCode = 405;
    res.setHeader('Allow', 'POST');
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: this MCP server is stateless (POST only).' }, id: null }));
  }
}
