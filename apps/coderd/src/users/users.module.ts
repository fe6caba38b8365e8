import { Module } from '@nestjs/common';
import { DefaultOrganizationService } from '../organizations/default-organization.service.js';
import { SiteRolesController } from '../roles/roles.controller.js';
import { RolesService } from '../roles/roles.service.js';
import { FirstUserService } from './first-user.service.js';
import { UsersPublicController } from './users-public.controller.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

/**
 * Users and their site roles. Controller order matters for declaration-order routers (Express):
 * static paths (`first`, `authmethods`, `roles`) before `{user}`.
 */
@Module({
  controllers: [UsersPublicController, SiteRolesController, UsersController],
  providers: [UsersService, FirstUserService, DefaultOrganizationService, RolesService],
  exports: [UsersService, DefaultOrganizationService],
})
export class UsersModule {}
