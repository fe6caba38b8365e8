import { Module } from '@nestjs/common';
import { FilesModule } from '../files/files.module.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { ProvisionersModule } from '../provisioners/provisioners.module.js';
import { TemplateVersionsController } from './template-versions.controller.js';
import { TemplateVersionsRepository } from './template-versions.repository.js';
import { TemplateVersionsService } from './template-versions.service.js';
import { TemplatesController } from './templates.controller.js';
import { TemplatesRepository } from './templates.repository.js';
import { TemplatesService } from './templates.service.js';

@Module({
  imports: [FilesModule, OrganizationsModule, ProvisionersModule],
  controllers: [TemplatesController, TemplateVersionsController],
  providers: [TemplatesService, TemplatesRepository, TemplateVersionsService, TemplateVersionsRepository],
  exports: [TemplatesService, TemplateVersionsService, TemplatesRepository, TemplateVersionsRepository],
})
export class TemplatesModule {}
