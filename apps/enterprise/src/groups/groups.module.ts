import { Module, type DynamicModule } from '@nestjs/common';
import { OrganizationsModule } from '../../../coderd/src/organizations/organizations.module.js';
import { GroupsController, OrganizationGroupsController } from './groups.controller.js';
import { GroupsRepository } from './groups.repository.js';
import { GroupsService } from './groups.service.js';

/** Groups (feature `template_rbac`): always mounted, 403 until a license entitles the feature. */
@Module({})
export class GroupsModule {
  static register(): DynamicModule {
    return {
      module: GroupsModule,
      imports: [OrganizationsModule],
      controllers: [OrganizationGroupsController, GroupsController],
      providers: [GroupsRepository, GroupsService],
      exports: [GroupsService],
    };
  }
}
