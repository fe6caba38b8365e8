import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { badRequest, conflict, forbidden, notFound } from '#httpapi/api-error.js';
import { ENTITLEMENTS, type EntitlementsProvider } from '#entitlements/provider.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import { isUniqueViolation } from '#db/pg-errors.js';
import type { Pagination } from '#httpapi/pagination.js';
import type { RbacObject } from '#rbac/authorizer.js';
import { AuthzService } from '../auth/authz.service.js';
import { isUuid } from '../files/files.service.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { toTemplate } from './template.mapper.js';
import { toTemplateVersion } from './template-version.mapper.js';
import type { TemplateVersion } from './template-versions.dto.js';
import { TemplateVersionsRepository } from './template-versions.repository.js';
import { parseTemplateSearch } from './template-search.js';
import { entitledFields, planTemplateUpdate, type TemplateFeatures } from './template-settings.js';
import type { CreateTemplateRequest, Template, UpdateTemplateMeta } from './templates.dto.js';
import { TEMPLATE_FILTER_COLUMNS, TemplatesRepository, type TemplateRow } from './templates.repository.js';

export const templateObject = (t: Pick<TemplateRow, 'id' | 'organization_id' | 'user_acl' | 'group_acl'>): RbacObject => ({
  type: 'template',
  id: t.id,
  orgId: t.organization_id,
  aclUsers: t.user_acl,
  aclGroups: t.group_acl,
});

const nameTaken = (name: string) =>
  conflict(`Template with name "${name}" already exists.`, undefined, [{ field: 'name', detail: 'This value is already in use and should be unique.' }]);

const msToNs = (ms: number | undefined, fallbackMs = 0) => BigInt(ms ?? fallbackMs) * 1_000_000n;
const HOUR_MS = 3_600_000;

@Injectable()
export class TemplatesService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly templates: TemplatesRepository,
    private readonly versionRows: TemplateVersionsRepository,
    private readonly orgs: OrganizationsService,
    private readonly authz: AuthzService,
    @Inject(ENTITLEMENTS) private readonly entitlements: EntitlementsProvider,
  ) {}

  /** Which licensed template settings apply now (read per request: a new license applies at once). */
  private features(): TemplateFeatures {
    return {
      scheduling: this.entitlements.isEnabled('advanced_template_scheduling'),
      accessControl: this.entitlements.isEnabled('access_control'),
      portSharing: this.entitlements.isEnabled('control_shared_ports'),
    };
  }

  /** POST /organizations/{org}/templates: from a version whose import succeeded, which becomes its active version. */
  async create(actor: Actor, orgParam: string, request: CreateTemplateRequest): Promise<Template> {
    const req = entitledFields(request, this.features());
    const org = await this.orgs.resolve(actor, orgParam);
    this.authz.requireCreate(actor, { type: 'template', orgId: org.id }, 'templates in this organization');
    const version = await this.versionRows.find(req.template_version_id);
    if (!version || version.organization_id !== org.id) throw notFound(`Template version ${req.template_version_id} does not exist in this organization.`);
    if (version.archived) throw badRequest('The provided template version is archived.');
    if (version.template_id) throw badRequest(`Template version ${version.id} is already part of a template.`);
    if (version.job.job_status !== 'succeeded') {
      throw badRequest(`The provided template version has job status "${version.job.job_status}". Only versions whose import succeeded can be used.`);
    }
    const id = randomUUID();
    await this.ds.transaction(async (db) => {
      if (await this.templates.nameTaken(db, org.id, req.name)) throw nameTaken(req.name);
      await this.templates.insert(db, {
        id,
        organizationId: org.id,
        name: req.name,
        displayName: req.display_name ?? '',
        description: req.description ?? '',
        icon: req.icon ?? '',
        provisioner: version.job.provisioner,
        activeVersionId: version.id,
        createdBy: actor.subject.id,
        defaultTtlNs: msToNs(req.default_ttl_ms),
        activityBumpNs: msToNs(req.activity_bump_ms, HOUR_MS),
        failureTtlNs: msToNs(req.failure_ttl_ms),
        timeTilDormantNs: msToNs(req.dormant_ttl_ms),
        timeTilDormantAutodeleteNs: msToNs(req.delete_ttl_ms),
        allowUserCancelWorkspaceJobs: req.allow_user_cancel_workspace_jobs ?? true,
        allowUserAutostart: req.allow_user_autostart ?? true,
        allowUserAutostop: req.allow_user_autostop ?? true,
        requireActiveVersion: req.require_active_version ?? false,
        useClassicParameterFlow: req.template_use_classic_parameter_flow ?? false,
        // The Everyone group (its id is the organization's) may read and use the template, as in Coder.
        groupAcl: req.disable_everyone_group_access ? {} : { [org.id]: ['read', 'use'] },
      });
      await this.versionRows.attach(db, version.id, id);
    });
    return toTemplate((await this.templates.find(id))!);
  }

  async versions(actor: Actor, id: string, page: Pagination, includeArchived: boolean): Promise<TemplateVersion[]> {
    const t = await this.resolve(actor, id);
    return (await this.versionRows.listByTemplate(t.id, { includeArchived, ...page })).map(toTemplateVersion);
  }

  async versionByName(actor: Actor, id: string, name: string): Promise<TemplateVersion> {
    const t = await this.resolve(actor, id);
    const v = await this.versionRows.findByName(t.id, name);
    if (!v) throw notFound(`No template version named "${name}" in this template.`);
    return toTemplateVersion(v);
  }

  /** PATCH /templates/{id}/versions: the active version; only a version of this template whose import succeeded. */
  async promote(actor: Actor, id: string, versionId: string): Promise<{ message: string }> {
    const t = await this.resolve(actor, id);
    this.authz.require(actor, 'update', templateObject(t));
    const v = await this.versionRows.find(versionId);
    if (!v || v.template_id !== t.id) throw badRequest('The template version does not belong to this template.', undefined, [{ field: 'id', detail: 'Not a version of this template.' }]);
    if (v.archived) throw badRequest('The provided template version is archived.');
    if (v.job.job_status !== 'succeeded') throw forbidden('Only versions whose import succeeded can be promoted.');
    await this.templates.setActiveVersion(t.id, v.id);
    return { message: 'Updated the active template version!' };
  }

  /** POST /templates/{id}/versions/archive: the versions nothing uses (with `all` false, only failed ones). */
  async archiveUnused(actor: Actor, id: string, all: boolean): Promise<{ template_id: string; archived_ids: string[] }> {
    const t = await this.resolve(actor, id);
    this.authz.require(actor, 'update', templateObject(t));
    const archived = await this.ds.transaction(async (db) => {
      if (!(await this.templates.lock(db, t.id))) throw notFound();
      const ids = await this.versionRows.unused(db, t.id, t.active_version_id, !all);
      await this.versionRows.setArchived(db, ids, true);
      return ids;
    });
    return { template_id: t.id, archived_ids: archived };
  }

  /**
   * PATCH /templates/{id}: the settings the request names (a missing field keeps its value); undefined
   * when nothing would change, which Coder answers with 304.
   */
  async update(actor: Actor, id: string, req: UpdateTemplateMeta): Promise<Template | undefined> {
    const t = await this.resolve(actor, id);
    this.authz.require(actor, 'update', templateObject(t));
    const plan = planTemplateUpdate(t, req, this.features());
    if (plan.problems.length > 0) throw badRequest('Invalid request to update template metadata!', undefined, plan.problems);
    if (!plan.next) return undefined;
    const next = plan.next;
    try {
      await this.ds.transaction(async (db) => {
        if (!(await this.templates.lock(db, t.id))) throw notFound();
        if (next.name.toLowerCase() !== t.name.toLowerCase() && (await this.templates.nameTaken(db, t.organization_id, next.name))) throw nameTaken(next.name);
        await this.templates.updateSettings(db, t.id, next);
        await this.templates.applyDormancy(db, t.id, plan.workspaces);
      });
    } catch (err) {
      // A rename racing another template's creation: the unique index decides.
      if (isUniqueViolation(err)) throw nameTaken(next.name);
      throw err;
    }
    return toTemplate((await this.templates.find(t.id))!);
  }

  /** DELETE /templates/{id}: soft delete, refused while live workspaces use it. */
  async delete(actor: Actor, id: string): Promise<{ message: string }> {
    const t = await this.resolve(actor, id);
    this.authz.require(actor, 'delete', templateObject(t));
    await this.ds.transaction(async (db) => {
      if (!(await this.templates.lock(db, t.id))) throw notFound();
      if ((await this.templates.liveWorkspaces(db, t.id)) > 0) throw badRequest('All workspaces must be deleted before a template can be removed.');
      await this.templates.softDelete(db, t.id);
    });
    return { message: 'Template has been deleted!' };
  }

  async resolve(actor: Actor, id: string): Promise<TemplateRow> {
    const t = isUuid(id) ? await this.templates.find(id) : undefined;
    if (!t) throw notFound();
    this.authz.requireRead(actor, templateObject(t));
    return t;
  }

  async get(actor: Actor, id: string): Promise<Template> {
    return toTemplate(await this.resolve(actor, id));
  }

  async getByName(actor: Actor, orgParam: string, name: string): Promise<Template> {
    const org = await this.orgs.resolve(actor, orgParam);
    const t = await this.templates.findByName(org.id, name);
    if (!t) throw notFound();
    this.authz.requireRead(actor, templateObject(t));
    return toTemplate(t);
  }

  /** GET /templates and /organizations/{org}/templates, with Coder's `q` search. */
  async list(actor: Actor, q: string | undefined, orgParam?: string): Promise<Template[]> {
    const search = parseTemplateSearch(q);
    const orgRef = orgParam ?? search.organization;
    const orgId = orgRef === undefined ? undefined : (await this.orgs.resolve(actor, orgRef)).id;
    const authorId = search.author === 'me' ? actor.subject.id : search.authorId;
    const author = search.author === 'me' ? undefined : search.author;
    const authorized = this.authz.sqlFilter(actor, 'read', 'template', TEMPLATE_FILTER_COLUMNS);
    return (await this.templates.list(authorized, { ...search, orgId, authorId, author })).map(toTemplate);
  }
}
