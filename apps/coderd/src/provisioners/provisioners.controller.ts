import { Controller, Param, Req } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import type { AnyRequest } from '#httpapi/http.js';
import { ProvisionerDaemon, ProvisionerJob } from './jobs.dto.js';
import { ProvisionerDaemonsService } from './provisioner-daemons.service.js';
import { ProvisionerJobsService } from './provisioner-jobs.service.js';

const query = (req: AnyRequest) => (req.query ?? {}) as Record<string, unknown>;

@ApiTags('Provisioning')
@Authenticated()
@Controller('api/v2/organizations/:organization')
export class ProvisionersController {
  constructor(
    private readonly daemons: ProvisionerDaemonsService,
    private readonly jobs: ProvisionerJobsService,
  ) {}

  @ApiQuery({ name: 'limit', required: false, type: Number, description: 'Default 50.' })
  @ApiQuery({ name: 'ids', required: false, type: String, description: 'Comma-separated daemon ids.' })
  @ApiQuery({ name: 'tags', required: false, type: String, description: 'JSON object; daemons whose tags include these.' })
  @ApiQuery({ name: 'offline', required: false, type: Boolean, description: 'Include offline daemons (excluded by default).' })
  @ApiQuery({ name: 'status', required: false, type: String, description: 'Comma-separated: offline, idle, busy.' })
  @ApiQuery({ name: 'max_age', required: false, type: String, description: 'Only daemons seen within this duration (e.g. "1h").' })
  @Endpoint('GET', 'provisionerdaemons', { id: 'getProvisionerDaemons', summary: 'Get provisioner daemons', response: [ProvisionerDaemon] })
  listDaemons(@CurrentActor() actor: Actor, @Param('organization') org: string, @Req() req: AnyRequest): Promise<ProvisionerDaemon[]> {
    return this.daemons.list(actor, org, query(req));
  }

  @ApiQuery({ name: 'limit', required: false, type: Number, description: 'Default 50.' })
  @ApiQuery({ name: 'ids', required: false, type: String, description: 'Comma-separated job ids.' })
  @ApiQuery({ name: 'status', required: false, type: String, description: 'Comma-separated job statuses.' })
  @ApiQuery({ name: 'tags', required: false, type: String, description: 'JSON object; jobs whose tags include these.' })
  @ApiQuery({ name: 'initiator', required: false, type: String, description: 'Only jobs this user started.' })
  @Endpoint('GET', 'provisionerjobs', {
    id: 'getProvisionerJobs',
    summary: 'Get provisioner jobs',
    description: 'Newest first. Unknown query parameters are 400.',
    response: [ProvisionerJob],
  })
  listJobs(@CurrentActor() actor: Actor, @Param('organization') org: string, @Req() req: AnyRequest): Promise<ProvisionerJob[]> {
    return this.jobs.list(actor, org, query(req));
  }

  @Endpoint('GET', 'provisionerjobs/:job', { id: 'getProvisionerJob', summary: 'Get provisioner job', response: ProvisionerJob })
  getJob(@CurrentActor() actor: Actor, @Param('organization') org: string, @Param('job') job: string): Promise<ProvisionerJob> {
    return this.jobs.get(actor, org, job);
  }
}
