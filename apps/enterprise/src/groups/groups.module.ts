import { Module } from '@nestjs/common';
import { OrganizationsModule } from '#coderd/organizations/organizations.module.js';
import { GroupsController, OrganizationGroupsController } from './groups.controller.js';
import { GroupsRepository } from './groups.repository.js';
import { GroupsService } from './groups.service.js';

/**
 * Groups (feature `template_rbac`): always mounted, 403 until a license entitles the feature. A
 * static module, so that the modules that resolve `{group}` through GroupsService share it (and its
 * routes are registered once).
 */
@Module({
  imports: [OrganizationsModule],
  controllers: [OrganizationGroupsController, GroupsController],
  providers: [GroupsRepository, GroupsService],
  exports: [GroupsService],
})
export class GroupsModule {}
