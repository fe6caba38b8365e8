import { Controller, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequireFeature } from '#entitlements/require-feature.js';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { ExternalAgentCredentials } from './external-agents.dto.js';
import { ExternalAgentsService } from './external-agents.service.js';

@ApiTags('Enterprise')
@Authenticated()
@RequireFeature('workspace_external_agent')
@Controller('api/v2/workspaces/:workspace/external-agent')
export class ExternalAgentsController {
  constructor(private readonly external: ExternalAgentsService) {}

  @Endpoint('GET', ':agent/credentials', {
    id: 'getWorkspaceExternalAgentCredentials',
    summary: 'Get workspace external agent credentials',
    description:
      'The command that starts the external agent on its machine, and its token. Needs update permission on the workspace. ' +
      '404 when the latest build has no external agent, or the name is not one of its external agents.',
    response: ExternalAgentCredentials,
    errors: [403],
  })
  credentials(@CurrentActor() actor: Actor, @Param('workspace') workspace: string, @Param('agent') agent: string): Promise<ExternalAgentCredentials> {
    return this.external.credentials(actor, workspace, agent);
  }
}
