import { Module, type DynamicModule } from '@nestjs/common';
import { OrganizationsModule } from '#coderd/organizations/organizations.module.js';
import { MultiOrgController } from './multi-org.controller.js';
import { MultiOrgRepository } from './multi-org.repository.js';
import { MultiOrgService } from './multi-org.service.js';

/** Multiple organizations (feature `multiple_organizations`): always mounted, 403 until licensed. */
@Module({})
export class MultiOrgModule {
  static register(): DynamicModule {
    return {
      module: MultiOrgModule,
      imports: [OrganizationsModule],
      controllers: [MultiOrgController],
      providers: [MultiOrgRepository, MultiOrgService],
    };
  }
}
