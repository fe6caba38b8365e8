import { Module } from '@nestjs/common';
import { AgentApiController } from './agent-api.controller.js';
import { AgentApiService } from './agent-api.service.js';
import { AgentAuthCache } from './agent-auth-cache.js';
import { AgentAuthGuard } from './agent-auth.guard.js';
import { AgentReportsRepository } from './agent-reports.repository.js';
import { AgentReportsService } from './agent-reports.service.js';
import { AgentStatsIngester } from './agent-stats.ingester.js';
import { AgentStatsRepository } from './agent-stats.repository.js';
import { AgentsRepository } from './agents.repository.js';
import { InitScriptController } from './init-script.controller.js';
import { WorkspaceAgentsController } from './workspace-agents.controller.js';
import { WorkspaceAgentsService } from './workspace-agents.service.js';

/** Workspace agents: the API agents call with their token, and the user-facing agent routes. */
@Module({
  controllers: [AgentApiController, WorkspaceAgentsController, InitScriptController],
  providers: [AgentsRepository, AgentAuthCache, AgentAuthGuard, AgentApiService, WorkspaceAgentsService, AgentReportsRepository, AgentReportsService, AgentStatsRepository, AgentStatsIngester],
  exports: [AgentsRepository, AgentAuthCache],
})
export class AgentsModule {}
