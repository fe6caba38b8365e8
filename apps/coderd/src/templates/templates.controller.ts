import { Body, Controller, Param, Req, Res } from '@nestjs/common';
import { ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { queryParam, setStatus, type AnyRequest, type AnyResponse } from '#httpapi/http.js';
import { parsePagination } from '#httpapi/pagination.js';
import { MessageResponse } from '../users/users.dto.js';
import { ArchiveTemplateVersionsRequest, ArchiveTemplateVersionsResponse, TemplateVersion, TemplateVersionIdRequest } from './template-versions.dto.js';
import { CreateTemplateRequest, Template, UpdateTemplateMeta } from './templates.dto.js';
import { TemplatesService } from './templates.service.js';

const TEMPLATE_SEARCH =
  'Search: name:, exact_name:, display_name:, organization:, author: (a username or me), author_id:, ids: (comma-separated), ' +
  'deleted:, deprecated:, has_ai_task:, has_external_agent:, or bare words matching the name or display name. Lower-cased first, as in Coder.';

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

  @ApiQuery({ name: 'q', required: false, description: TEMPLATE_SEARCH })
  @Endpoint('GET', 'organizations/:organization/templates', { id: 'getTemplatesByOrganization', summary: 'Get templates by organization', response: [Template] })
  listByOrg(@CurrentActor() actor: Actor, @Param('organization') org: string, @Req() req: AnyRequest): Promise<Template[]> {
    return this.templates.list(actor, queryParam(req, 'q'), org);
  }

  @Endpoint('GET', 'organizations/:organization/templates/:templatename', { id: 'getTemplateByOrganizationAndName', summary: 'Get templates by organization and template name', response: Template })
  getByName(@CurrentActor() actor: Actor, @Param('organization') org: string, @Param('templatename') name: string): Promise<Template> {
    return this.templates.getByName(actor, org, name);
  }

  @ApiQuery({ name: 'q', required: false, description: TEMPLATE_SEARCH })
  @Endpoint('GET', 'templates', { id: 'getAllTemplates', summary: 'Get all templates', description: 'Every template the caller may read, in every organization.', response: [Template] })
  list(@CurrentActor() actor: Actor, @Req() req: AnyRequest): Promise<Template[]> {
    return this.templates.list(actor, queryParam(req, 'q'));
  }

  @Endpoint('PATCH', 'templates/:template', {
    id: 'updateTemplateSettingsByID',
    summary: 'Update template settings by ID',
    description:
      'Changes the fields the request names; a missing field keeps its value. Answers 304 with no body when nothing would change. ' +
      'Scheduling fields (user autostart/autostop, failure and dormancy TTLs, autostop/autostart requirements, the update_workspace_* switches) ' +
      'need the `advanced_template_scheduling` feature and `require_active_version` and `deprecation_message` need `access_control`; ' +
      'without them those fields are ignored, as in Coder. Changing `max_port_share_level` needs `control_shared_ports`.',
    response: Template,
    errors: [403, 409],
  })
  @ApiResponse({ status: 304, description: 'Nothing would change; no body.' })
  async update(@CurrentActor() actor: Actor, @Param('template') id: string, @Body() body: UpdateTemplateMeta, @Res({ passthrough: true }) res: AnyResponse): Promise<Template | void> {
    const updated = await this.templates.update(actor, id, body);
    if (!updated) setStatus(res, 304);
    return updated;
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
