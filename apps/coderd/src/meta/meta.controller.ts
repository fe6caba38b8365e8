import { Controller, Header, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authenticated } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import type { DeploymentConfig } from '../config/config.js';
import { BUILD_VERSION, DEPLOYMENT_CONFIG } from '../tokens.js';
import { MessageResponse } from '../users/users.dto.js';
import { DeploymentService } from './deployment.service.js';
import { BuildInfoResponse } from './meta.dto.js';

@ApiTags('General')
@Controller()
export class MetaController {
  constructor(
    private readonly deployment: DeploymentService,
    @Inject(DEPLOYMENT_CONFIG) private readonly config: DeploymentConfig,
  ) {}

  @Header('Content-Type', 'text/plain; charset=utf-8')
  @Endpoint('GET', 'healthz', { id: 'healthz', summary: 'Health check', response: 'string', public: true })
  healthz(): string {
    return 'OK';
  }

  @Endpoint('GET', 'api/v2', { id: 'apiRoot', summary: 'API root handler', response: MessageResponse, public: true })
  root(): MessageResponse {
    return { message: '👋' };
  }

  @Authenticated()
  @Endpoint('GET', 'api/v2/experiments', {
    id: 'getEnabledExperiments',
    summary: 'Get enabled experiments',
    description: 'The experiments enabled with CODER_EXPERIMENTS.',
    responseSchema: { type: 'array', items: { type: 'string' } },
  })
  experiments(): string[] {
    return this.config.experiments;
  }

  @Endpoint('GET', 'api/v2/buildinfo', { id: 'buildInfo', summary: 'Build info', response: BuildInfoResponse, public: true })
  buildInfo(): BuildInfoResponse {
    return {
      external_url: 'https://github.com/coder/coder',
      version: BUILD_VERSION,
      dashboard_url: this.config.accessUrl,
      workspace_proxy: false,
      agent_api_version: '1.0',
      provisioner_api_version: '1.0',
      upgrade_message: '',
      deployment_id: this.deployment.deploymentId,
      telemetry: false,
    };
  }
}
