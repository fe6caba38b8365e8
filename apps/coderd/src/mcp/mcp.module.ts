import { Module } from '@nestjs/common';
import { TasksModule } from '../tasks/tasks.module.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { UsersModule } from '../users/users.module.js';
import { WorkspacesModule } from '../workspaces/workspaces.module.js';
import { McpController } from './mcp.controller.js';
import { McpService } from './mcp.service.js';

/** The MCP HTTP server (behind the `mcp-server-http` experiment). */
@Module({
  imports: [UsersModule, TemplatesModule, WorkspacesModule, TasksModule],
  controllers: [McpController],
  providers: [McpService],
})
export class McpModule {}
