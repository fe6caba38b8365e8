import { Module } from '@nestjs/common';
import { AgentsModule } from '#coderd/agents/agents.module.js';
import { ProvisionersModule } from '#coderd/provisioners/provisioners.module.js';
import { WorkspacesModule } from '#coderd/workspaces/workspaces.module.js';
import { ExternalAgentsController } from './external-agents.controller.js';
import { ExternalAgentsService } from './external-agents.service.js';

/** External workspaces (licensed `workspace_external_agent`): reading back an external agent's credentials. */
@Module({
  imports: [AgentsModule, ProvisionersModule, WorkspacesModule],
  controllers: [ExternalAgentsController],
  providers: [ExternalAgentsService],
})
export class ExternalAgentsModule {}
