import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { ProvisionersModule } from '../provisioners/provisioners.module.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { UsersModule } from '../users/users.module.js';
import { LifecycleExecutor } from './lifecycle-executor.service.js';
import { LifecycleRepository } from './lifecycle.repository.js';
import { BuildTimingsRepository } from './build-timings.repository.js';
import { WorkspaceBuilder } from './workspace-builder.js';
import { WorkspaceBuildsController } from './workspace-builds.controller.js';
import { WorkspaceBuildsRepository } from './workspace-builds.repository.js';
import { WorkspaceBuildsService } from './workspace-builds.service.js';
import { WorkspaceSettingsService } from './workspace-settings.service.js';
import { WorkspacesController } from './workspaces.controller.js';
import { WorkspacesRepository } from './workspaces.repository.js';
import { WorkspacesService } from './workspaces.service.js';

/** Workspaces, changed only through builds (facts 3.1), and their scheduling settings. */
@Module({
  imports: [UsersModule, OrganizationsModule, ProvisionersModule, TemplatesModule],
  controllers: [WorkspacesController, WorkspaceBuildsController],
  providers: [LifecycleRepository, LifecycleExecutor, WorkspacesRepository, WorkspaceBuildsRepository, BuildTimingsRepository, WorkspaceBuilder, WorkspacesService, WorkspaceBuildsService, WorkspaceSettingsService],
  exports: [WorkspacesService, WorkspaceBuildsService, WorkspaceBuilder, WorkspacesRepository],
})
export class WorkspacesModule {}
