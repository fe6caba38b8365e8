import { Body, Controller, Param, Req, Res } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import type { AnyRequest, AnyResponse } from '#httpapi/http.js';
import { MessageResponse } from '../users/users.dto.js';
import { JobLogStream } from '../provisioners/job-log-stream.js';
import { ProvisionerJobLog } from '../provisioners/jobs.dto.js';
import { WorkspaceResource } from '../provisioners/resources.dto.js';
import {
  CreateTemplateVersionRequest,
  PatchTemplateVersionRequest,
  TemplateVersion,
  TemplateVersionExternalAuth,
  TemplateVersionParameter,
  TemplateVersionVariable,
} from './template-versions.dto.js';
import { TemplateVersionsService } from './template-versions.service.js';

@ApiTags('Templates')
@Authenticated()
@Controller('api/v2')
export class TemplateVersionsController {
  constructor(
    private readonly versions: TemplateVersionsService,
    private readonly stream: JobLogStream,
  ) {}

  @Endpoint('POST', 'organizations/:organization/templateversions', {
    id: 'createTemplateVersionByOrganization',
    summary: 'Create template version by organization',
    description: 'Posts the version\'s import job; watch it with GET /templateversions/{id} or its logs.',
    response: TemplateVersion,
    errors: [403, 409],
  })
  create(@CurrentActor() actor: Actor, @Param('organization') org: string, @Body() body: CreateTemplateVersionRequest): Promise<TemplateVersion> {
    return this.versions.create(actor, org, body);
  }

  @Endpoint('GET', 'templateversions/:templateversion', { id: 'getTemplateVersionByID', summary: 'Get template version by ID', response: TemplateVersion })
  get(@CurrentActor() actor: Actor, @Param('templateversion') id: string): Promise<TemplateVersion> {
    return this.versions.get(actor, id);
  }

  @Endpoint('PATCH', 'templateversions/:templateversion', { id: 'patchTemplateVersion', summary: 'Patch template version by ID', response: TemplateVersion, errors: [403, 409] })
  patch(@CurrentActor() actor: Actor, @Param('templateversion') id: string, @Body() body: PatchTemplateVersionRequest): Promise<TemplateVersion> {
    return this.versions.patch(actor, id, body);
  }

  @Endpoint('POST', 'templateversions/:templateversion/archive', { id: 'archiveTemplateVersion', summary: 'Archive template version', status: 200, response: MessageResponse, errors: [403] })
  archive(@CurrentActor() actor: Actor, @Param('templateversion') id: string): Promise<MessageResponse> {
    return this.versions.setArchived(actor, id, true);
  }

  @Endpoint('POST', 'templateversions/:templateversion/unarchive', { id: 'unarchiveTemplateVersion', summary: 'Unarchive template version', status: 200, response: MessageResponse, errors: [403] })
  unarchive(@CurrentActor() actor: Actor, @Param('templateversion') id: string): Promise<MessageResponse> {
    return this.versions.setArchived(actor, id, false);
  }

  @Endpoint('PATCH', 'templateversions/:templateversion/cancel', { id: 'cancelTemplateVersionBuild', summary: 'Cancel template version by ID', response: MessageResponse, errors: [403] })
  cancel(@CurrentActor() actor: Actor, @Param('templateversion') id: string): Promise<MessageResponse> {
    return this.versions.cancel(actor, id);
  }

  @Endpoint('GET', 'templateversions/:templateversion/rich-parameters', {
    id: 'getRichParametersByTemplateVersion',
    summary: 'Get rich parameters by template version',
    response: [TemplateVersionParameter],
  })
  richParameters(@CurrentActor() actor: Actor, @Param('templateversion') id: string): Promise<TemplateVersionParameter[]> {
    return this.versions.richParameters(actor, id);
  }

  @Endpoint('GET', 'templateversions/:templateversion/variables', {
    id: 'getTemplateVariablesByTemplateVersion',
    summary: 'Get template variables by template version',
    description: 'The variables the import resolved, with the template author\'s values; sensitive values and defaults read as "*redacted*". 400 until the import has succeeded.',
    response: [TemplateVersionVariable],
  })
  variables(@CurrentActor() actor: Actor, @Param('templateversion') id: string): Promise<TemplateVersionVariable[]> {
    return this.versions.variables(actor, id);
  }

  @Endpoint('GET', 'templateversions/:templateversion/external-auth', {
    id: 'getExternalAuthByTemplateVersion',
    summary: 'Get external auth by template version',
    description: 'The external auth providers the template asks its users to link. No provider can be configured on this server yet, so a version that references one answers 404 as Coder does for a provider that no longer exists.',
    response: [TemplateVersionExternalAuth],
  })
  externalAuth(@CurrentActor() actor: Actor, @Param('templateversion') id: string): Promise<TemplateVersionExternalAuth[]> {
    return this.versions.externalAuth(actor, id);
  }

  @Endpoint('GET', 'templateversions/:templateversion/schema', {
    id: 'getSchemaByTemplateVersion',
    summary: 'Get schema by template version',
    description: 'Deprecated in Coder (legacy parameters): always an empty list, for any version the caller may read.',
    responseSchema: { type: 'array', items: { type: 'object' } },
  })
  async schema(@CurrentActor() actor: Actor, @Param('templateversion') id: string): Promise<unknown[]> {
    await this.versions.resolve(actor, id);
    return [];
  }

  @Endpoint('GET', 'templateversions/:templateversion/parameters', {
    id: 'getParametersByTemplateVersion',
    summary: 'Get parameters by template version',
    description: 'Deprecated in Coder (legacy parameters; use rich-parameters): always an empty list, for any version the caller may read.',
    responseSchema: { type: 'array', items: { type: 'object' } },
  })
  async legacyParameters(@CurrentActor() actor: Actor, @Param('templateversion') id: string): Promise<unknown[]> {
    await this.versions.resolve(actor, id);
    return [];
  }

  @Endpoint('GET', 'templateversions/:templateversion/resources', { id: 'getResourcesByTemplateVersion', summary: 'Get resources by template version', response: [WorkspaceResource] })
  resources(@CurrentActor() actor: Actor, @Param('templateversion') id: string): Promise<WorkspaceResource[]> {
    return this.versions.resources(actor, id);
  }

  @ApiQuery({ name: 'after', required: false, type: Number, description: 'Only logs with a larger id.' })
  @ApiQuery({ name: 'follow', required: false, type: Boolean, description: 'Stream logs as Server-Sent Events until the job ends.' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'text'], description: 'text: one line per log (not with follow).' })
  @Endpoint('GET', 'templateversions/:templateversion/logs', { id: 'getLogsByTemplateVersion', summary: 'Get logs by template version', response: [ProvisionerJobLog] })
  async logs(@CurrentActor() actor: Actor, @Param('templateversion') id: string, @Req() req: AnyRequest, @Res({ passthrough: true }) res: AnyResponse): Promise<ProvisionerJobLog[] | string | void> {
    return this.stream.respond(req, res, (await this.versions.resolve(actor, id)).job.id);
  }
}
