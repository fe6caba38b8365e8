import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { ApiError } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import type { TasksService } from '../tasks/tasks.service.js';
import type { TemplatesService } from '../templates/templates.service.js';
import type { UsersService } from '../users/users.service.js';
import type { WorkspaceBuildsService } from '../workspaces/workspace-builds.service.js';
import type { WorkspacesService } from '../workspaces/workspaces.service.js';

/** The services the tools call: the same ones the REST API calls, so the caller's permissions apply unchanged. */
export interface ToolServices {
  users: UsersService;
  templates: TemplatesService;
  workspaces: WorkspacesService;
  builds: WorkspaceBuildsService;
  tasks: TasksService;
}

const WORKSPACE_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const user = z.string().min(1).max(256).default('me').describe('A username, user id, or "me".');
const workspaceId = z.string().uuid().describe('The workspace id.');
const READ_ONLY = { readOnlyHint: true, openWorldHint: false } as const;

/**
 * A tool's answer: the JSON as text (what every client shows) and as structured content. An API
 * error is the tool's error (isError), phrased as the API would phrase it, not a protocol failure.
 */
async function answer(work: () => Promise<object>): Promise<CallToolResult> {
  try {
    const result = await work();
    const structured = Array.isArray(result) ? { items: result } : (result as Record<string, unknown>);
    return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: structured };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const detail = [err.message, err.detail, ...(err.validations ?? []).map((v) => `${v.field}: ${v.detail}`)].filter(Boolean).join('\n');
    return { content: [{ type: 'text', text: detail }], isError: true };
  }
}

/** Coder's standard toolset, limited to what this server has (no agent connection, so no workspace shell tools). */
export function registerTools(server: McpServer, actor: Actor, s: ToolServices): void {
  server.registerTool(
    'coder_get_authenticated_user',
    { description: 'Get the user the connection is authenticated as: id, username, email, roles and organizations.', annotations: READ_ONLY },
    () => answer(() => s.users.get(actor, 'me')),
  );
  server.registerTool(
    'coder_list_users',
    {
      description: 'List users the caller may see, filtered with Coder\'s user search syntax (e.g. "status:active role:owner").',
      inputSchema: { query: z.string().max(1024).optional().describe('Search terms.'), limit: z.number().int().min(1).max(100).default(25) },
      annotations: READ_ONLY,
    },
    ({ query, limit }) => answer(() => s.users.list(actor, query, { limit, offset: 0 })),
  );
  server.registerTool('coder_get_user', { description: 'Get one user.', inputSchema: { user }, annotations: READ_ONLY }, ({ user: u }) => answer(() => s.users.get(actor, u)));
  server.registerTool(
    'coder_list_templates',
    { description: 'List the templates the caller may use to create workspaces.', inputSchema: { query: z.string().max(1024).optional().describe('Template search terms.') }, annotations: READ_ONLY },
    ({ query }) => answer(() => s.templates.list(actor, query)),
  );
  server.registerTool(
    'coder_list_workspaces',
    {
      description: 'List workspaces, filtered with Coder\'s workspace search syntax (e.g. "owner:me status:running").',
      inputSchema: { query: z.string().max(1024).default('owner:me').describe('Search terms.'), limit: z.number().int().min(1).max(100).default(25) },
      annotations: READ_ONLY,
    },
    ({ query, limit }) => answer(() => s.workspaces.list(actor, query, { limit, offset: 0 })),
  );
  server.registerTool('coder_get_workspace', { description: 'Get a workspace and its latest build.', inputSchema: { workspace_id: workspaceId }, annotations: READ_ONLY }, ({ workspace_id }) =>
    answer(() => s.workspaces.get(actor, workspace_id, false)),
  );
  server.registerTool(
    'coder_create_workspace',
    {
      description: 'Create a workspace from a template; its first build starts at once.',
      inputSchema: {
        user,
        template_id: z.string().uuid().describe('The template (its active version is used).'),
        name: z.string().max(32).regex(WORKSPACE_NAME, 'Letters, digits and single hyphens, at most 32 characters.'),
        rich_parameters: z.record(z.string(), z.string()).default({}).describe('Template parameter values by name.'),
      },
      annotations: { destructiveHint: false, openWorldHint: false },
    },
    ({ user: u, template_id, name, rich_parameters }) =>
      answer(() =>
        s.workspaces.create(actor, u, { template_id, name, rich_parameter_values: Object.entries(rich_parameters).map(([n, value]) => ({ name: n, value })) }),
      ),
  );
  server.registerTool(
    'coder_create_workspace_build',
    {
      description: 'Start, stop or delete a workspace (a new build with that transition).',
      inputSchema: { workspace_id: workspaceId, transition: z.enum(['start', 'stop', 'delete']), template_version_id: z.string().uuid().optional() },
      annotations: { destructiveHint: true, openWorldHint: false },
    },
    ({ workspace_id, transition, template_version_id }) => answer(() => s.builds.create(actor, workspace_id, { transition, template_version_id })),
  );
  server.registerTool(
    'coder_list_tasks',
    { description: 'List AI tasks the caller may read, newest first.', inputSchema: { query: z.string().max(1024).optional().describe('Task search terms (e.g. "owner:me status:active").') }, annotations: READ_ONLY },
    ({ query }) => answer(() => s.tasks.list(actor, query)),
  );
}
