import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module.js';
import { FilesModule } from '../files/files.module.js';
import { TemplateVersionsRepository } from '../templates/template-versions.repository.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { UsersModule } from '../users/users.module.js';
import { BuildJobsRepository } from './build-jobs.repository.js';
import { BuiltinDaemonsService } from './builtin-daemons.service.js';
import { DaemonsRepository } from './daemons.repository.js';
import { JobEvents } from './job-events.js';
import { JobLogStream } from './job-log-stream.js';
import { JobReaperService } from './job-reaper.service.js';
import { JobsRepository } from './jobs.repository.js';
import { ProvisionerDaemonsService } from './provisioner-daemons.service.js';
import { ProvisionerJobsService } from './provisioner-jobs.service.js';
import { ProvisionerdService } from './provisionerd.service.js';
import { ProvisionersController } from './provisioners.controller.js';
import { ExternalAgentTokens } from './external-agent-tokens.js';
import { ResourcesRepository } from './resources.repository.js';

/** The provisioner job queue, the daemon protocol's server side, the built-in daemons and the reaper. */
@Module({
  imports: [FilesModule, UsersModule, OrganizationsModule, AgentsModule],
  controllers: [ProvisionersController],
  providers: [
    JobsRepository,
    BuildJobsRepository,
    DaemonsRepository,
    ResourcesRepository,
    TemplateVersionsRepository,
    JobEvents,
    JobLogStream,
    ProvisionerdService,
    BuiltinDaemonsService,
    JobReaperService,
    ProvisionerDaemonsService,
    ProvisionerJobsService,
    ExternalAgentTokens,
  ],
  exports: [ExternalAgentTokens, JobsRepository, DaemonsRepository, ResourcesRepository, JobEvents, JobLogStream, ProvisionerdService],
})
export class ProvisionersModule {}
