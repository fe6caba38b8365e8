import { Body, Controller, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
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

  @Endpoint('GET', 'templates/:template', { id: 'getTemplateMetadataByID', summary: 'Get template metadata by ID', response: Template })
  get(@CurrentActor() actor: Actor, @Param('template') id: string): Promise<Template> {
    return this.templates.get(actor, id);
  }
}
