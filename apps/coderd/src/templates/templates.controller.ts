import { Body, Controller, Param, Req } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { queryParam, type AnyRequest } from '#httpapi/http.js';
import { parsePagination } from '#httpapi/pagination.js';
import { MessageResponse } from '../users/users.dto.js';
import { ArchiveTemplateVersionsRequest, ArchiveTemplateVersionsResponse, TemplateVersion, TemplateVersionIdRequest } from './template-versions.dto.js';
import { CreateTemplateRequest, Template } from './templates.dto.js';
import { TemplatesService } from './templates.service.js';

@ApiTags('Templates')
@Authenticated()
@Controller('api/v2')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Endpoint('POST', 'organizations/:organization/templates', {
    id: 'createTemplateByOrganization',
    summary: 'Create template by organization',
    description: 'Answers 201 (Coder\'s handler does, its swagger says 200).',
    response: Template,
    errors: [403, 409],
  })
  create(@CurrentActor() actor: Actor, @Param('organization') org: string, @Body() body: CreateTemplateRequest): Promise<Template> {
    return this.templates.create(actor, org, body);
  }

  @Endpoint('GET', 'organizations/:organization/templates', { id: 'getTemplatesByOrganization', summary: 'Get templates by organization', response: [Template] })
  listByOrg(@CurrentActor() actor: Actor, @Param('organization') org: string): Promise<Template[]> {
    return this.templates.list(actor, org);
  }

  @Endpoint('GET', 'organizations/:organization/templates/:templatename', { id: 'getTemplateByOrganizationAndName', summary: 'Get templates by organization and template name', response: Template })
  getByName(@CurrentActor() actor: Actor, @Param('organization') org: string, @Param('templatename') name: string): Promise<Template> {
    return this.templates.getByName(actor, org, name);
  }

  @Endpoint('GET', 'templates', { id: 'getAllTemplates', summary: 'Get all templates', description: 'Every template the caller may read, in every organization.', response: [Template] })
  list(@CurrentActor() actor: Actor): Promise<Template[]> {
    return this.templates.list(actor);
  }

  @Endpoint('DELETE', 'templates/:template', { id: 'deleteTemplateByID', summary: 'Delete template by ID', status: 200, response: MessageResponse, errors: [403] })
  delete(@CurrentActor() actor: Actor, @Param('template') id: string): Promise<MessageResponse> {
    return this.templates.delete(actor, id);
  }

  @ApiQuery({ name: 'include_archived', required: false, type: Boolean })
  @ApiQuery({ name: 'after_id', required: false, type: String })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiQuery({ name: 'offset', required: false, type: Number })
  @Endpoint('GET', 'templates/:template/versions', { id: 'listTemplateVersionsByTemplateID', summary: 'List template versions by template ID', response: [TemplateVersion] })
  versions(@CurrentActor() actor: Actor, @Param('template') id: string, @Req() req: AnyRequest): Promise<TemplateVersion[]> {
    return this.templates.versions(actor, id, parsePagination(req), queryParam(req, 'include_archived') === 'true');
  }

  @Endpoint('PATCH', 'templates/:template/versions', { id: 'updateActiveTemplateVersion', summary: 'Update active template version by template ID', response: MessageResponse, errors: [403] })
  promote(@CurrentActor() actor: Actor, @Param('template') id: string, @Body() body: TemplateVersionIdRequest): Promise<MessageResponse> {
    return this.templates.promote(actor, id, body.id);
  }

  @Endpoint('POST', 'templates/:template/versions/archive', { id: 'archiveTemplateUnusedVersionsByTemplateID', summary: 'Archive template unused versions by template id', status: 200, response: ArchiveTemplateVersionsResponse, errors: [403] })
  archive(@CurrentActor() actor: Actor, @Param('template') id: string, @Body() body: ArchiveTemplateVersionsRequest): Promise<ArchiveTemplateVersionsResponse> {
    return this.templates.archiveUnused(actor, id, body.all ?? false);
  }

  @Endpoint('GET', 'templates/:template/versions/:templateversionname', { id: 'getTemplateVersionByTemplateIDAndName', summary: 'Get template version by template ID and name', response: TemplateVersion })
  versionByName(@CurrentActor() actor: Actor, @Param('template') id: string, @Param('templateversionname') name: string): Promise<TemplateVersion> {
    return this.templates.versionByName(actor, id, name);
  }

  @Endpoint('GET', 'templates/:template', { id: 'getTemplateMetadataByID', summary: 'Get template metadata by ID', response: Template })
  get(@CurrentActor() actor: Actor, @Param('template') id: string): Promise<Template> {
    return this.templates.get(actor, id);
  }
}
