import { Module } from '@nestjs/common';
import { AgentApiController } from './agent-api.controller.js';
import { AgentApiService } from './agent-api.service.js';
import { AgentAuthGuard } from './agent-auth.guard.js';
import { AgentsRepository } from './agents.repository.js';
import { WorkspaceAgentsController } from './workspace-agents.controller.js';
import { WorkspaceAgentsService } from './workspace-agents.service.js';

/** Workspace agents: the API agents call with their token, and the user-facing agent routes. */
@Module({
  controllers: [AgentApiController, WorkspaceAgentsController],
  providers: [AgentsRepository, AgentAuthGuard, AgentApiService, WorkspaceAgentsService],
  exports: [AgentsRepository],
})
export class AgentsModule {}
