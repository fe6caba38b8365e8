import { randomInt, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ApiError, badRequest, conflict, invalidField, notFound } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import { mutateTags } from '#provisioner/tags.js';
import type { RbacObject } from '#rbac/authorizer.js';
import { AuthzService } from '../auth/authz.service.js';
import { FilesService, isUuid } from '../files/files.service.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { JobsRepository } from '../provisioners/jobs.repository.js';
import { toResource } from '../provisioners/resource.mapper.js';
import type { WorkspaceResource } from '../provisioners/resources.dto.js';
import { ResourcesRepository } from '../provisioners/resources.repository.js';
import { toParameter, toTemplateVersion } from './template-version.mapper.js';
import type {
  CreateTemplateVersionRequest,
  PatchTemplateVersionRequest,
  TemplateVersion,
  TemplateVersionExternalAuth,
  TemplateVersionParameter,
  TemplateVersionVariable,
} from './template-versions.dto.js';
import { TemplateVersionsRepository, type TemplateVersionRow } from './template-versions.repository.js';

/** Versions are authorized as their template (or, before they have one, as templates of their organization). */
export const versionObject = (v: Pick<TemplateVersionRow, 'template_id' | 'organization_id' | 'template_user_acl' | 'template_group_acl'>): RbacObject => ({
  type: 'template',
  id: v.template_id ?? undefined,
  orgId: v.organization_id,
  aclUsers: v.template_user_acl ?? undefined,
  aclGroups: v.template_group_acl ?? undefined,
});

/** What a sensitive variable's value and default read as. */
const REDACTED = '*redacted*';

const ADJECTIVES = ['brave', 'calm', 'eager', 'fancy', 'gentle', 'happy', 'jolly', 'kind', 'lively', 'nice', 'proud', 'silly', 'witty', 'zealous'];
const NAMES = ['hopper', 'lovelace', 'turing', 'knuth', 'ritchie', 'thompson', 'hamilton', 'liskov', 'dijkstra', 'torvalds', 'pike', 'kernighan'];
/** Coder names unnamed versions like "hopeful_turing3". */
const generatedName = () => `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${NAMES[randomInt(NAMES.length)]}${randomInt(10)}`;

@Injectable()
export class TemplateVersionsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly versions: TemplateVersionsRepository,
    private readonly jobs: JobsRepository,
    private readonly resourceRows: ResourcesRepository,
    private readonly files: FilesService,
    private readonly orgs: OrganizationsService,
    private readonly authz: AuthzService,
  ) {}

  /** POST /organizations/{org}/templateversions: the version and its import job, posted in one transaction. */
  async create(actor: Actor, orgParam: string, req: CreateTemplateVersionRequest): Promise<TemplateVersion> {
    const org = await this.orgs.resolve(actor, orgParam);
    if (req.example_id) throw invalidField('example_id', 'Starter templates are not available on this server; upload the template and pass file_id.');
    if (!req.file_id) throw invalidField('file_id', 'A file_id is required (upload the template with POST /files).');
    if (req.template_id) {
      const template: Array<{ id: string }> = await this.ds.query(`SELECT id FROM templates WHERE id = $1 AND organization_id = $2 AND NOT deleted`, [req.template_id, org.id]);
      if (template.length === 0) throw notFound(`Template ${req.template_id} does not exist in this organization.`);
      this.authz.require(actor, 'update', { type: 'template', id: req.template_id, orgId: org.id });
    } else {
      this.authz.requireCreate(actor, { type: 'template', orgId: org.id }, 'templates in this organization');
    }
    const file = await this.files.find(actor, req.file_id).catch((err: unknown) => {
      if (err instanceof ApiError && err.status === 404) throw badRequest('File not found.', `No file with id ${req.file_id} is readable by you.`);
      throw err;
    });
    const name = req.name || generatedName();
    const id = randomUUID();
    const jobId = randomUUID();
    await this.ds.transaction(async (db) => {
      if (req.template_id && (await this.versions.nameTaken(req.template_id, name, db))) {
        throw conflict(`A template version named "${name}" already exists in this template.`, undefined, [{ field: 'name', detail: 'This value is already in use.' }]);
      }
      await this.jobs.insert(db, {
        id: jobId,
        organizationId: org.id,
        initiatorId: actor.subject.id,
        provisioner: req.provisioner,
        type: 'template_version_import',
        input: { template_version_id: id, ...(req.user_variable_values?.length ? { user_variable_values: req.user_variable_values } : {}) },
        fileId: file.id,
        tags: mutateTags(actor.subject.id, req.tags),
      });
      await this.versions.insert(db, { id, templateId: req.template_id ?? null, organizationId: org.id, name, message: req.message ?? '', jobId, createdBy: actor.subject.id });
    });
    return toTemplateVersion((await this.versions.find(id))!);
  }

  /** A version the actor may read (404 otherwise). */
  async resolve(actor: Actor, id: string): Promise<TemplateVersionRow> {
    const v = isUuid(id) ? await this.versions.find(id) : undefined;
    if (!v) throw notFound();
    this.authz.requireRead(actor, versionObject(v));
    return v;
  }

  async get(actor: Actor, id: string): Promise<TemplateVersion> {
    return toTemplateVersion(await this.resolve(actor, id));
  }

  /** What the import found the template would create, for its start and stop transitions. */
  async resources(actor: Actor, id: string): Promise<WorkspaceResource[]> {
    const v = await this.resolve(actor, id);
    if (v.job.job_status !== 'succeeded') throw badRequest('Template version job has not finished');
    return (await this.resourceRows.listForJobs([v.job.id])).map(toResource);
  }

  async richParameters(actor: Actor, id: string): Promise<TemplateVersionParameter[]> {
    const v = await this.resolve(actor, id);
    if (v.job.job_status !== 'succeeded') throw badRequest('Template version job has not finished');
    return (await this.versions.parameters(v.id)).map(toParameter);
  }

  /** The variables the import resolved; sensitive values are never shown, as in Coder. */
  async variables(actor: Actor, id: string): Promise<TemplateVersionVariable[]> {
    const v = await this.resolve(actor, id);
    if (v.job.job_status !== 'succeeded') throw badRequest('Template version job has not finished');
    return (await this.versions.variables(v.id)).map((x) => (x.sensitive ? { ...x, value: REDACTED, default_value: REDACTED } : x));
  }

  /**
   * The external auth providers the version's template asks its users to link. This server has no
   * external auth providers configured, so a reference to one is answered as Coder answers a
   * provider that no longer exists; the built-in provisioner's document declares none.
   */
  async externalAuth(actor: Actor, id: string): Promise<TemplateVersionExternalAuth[]> {
    const v = await this.resolve(actor, id);
    const [missing] = v.external_auth_providers;
    if (missing) {
      throw new ApiError(404, `The template version references a Git auth provider "${missing.id}" that no longer exists.`, "You'll need to update the template version to use a different provider.");
    }
    return [];
  }

  /** POST /templateversions/{id}/archive and /unarchive. The active version of its template cannot be archived. */
  async setArchived(actor: Actor, id: string, archived: boolean): Promise<{ message: string }> {
    const v = await this.resolve(actor, id);
    this.authz.require(actor, 'update', versionObject(v));
    if (archived) {
      if (!v.template_id) throw badRequest('Only versions of a template can be archived.');
      const active: Array<{ active_version_id: string }> = await this.ds.query(`SELECT active_version_id FROM templates WHERE id = $1`, [v.template_id]);
      if (active[0]?.active_version_id === v.id) throw badRequest('You cannot archive the active template version.');
      if (!v.job.completed_at) throw badRequest('Only versions whose import has finished can be archived.');
    }
    await this.versions.setArchived(this.ds, [v.id], archived);
    return { message: archived ? 'Template version archived' : 'Template version unarchived' };
  }

  /** PATCH /templateversions/{id}: name and message. A name must stay unique within the template. */
  async patch(actor: Actor, id: string, req: PatchTemplateVersionRequest): Promise<TemplateVersion> {
    const v = await this.resolve(actor, id);
    this.authz.require(actor, 'update', versionObject(v));
    const name = req.name && req.name !== v.name ? req.name : undefined;
    await this.ds.transaction(async (db) => {
      if (name && v.template_id && (await this.versions.nameTaken(v.template_id, name, db))) {
        throw conflict(`A template version named "${name}" already exists in this template.`, undefined, [{ field: 'name', detail: 'This value is already in use.' }]);
      }
      await this.versions.update(db, v.id, { name, message: req.message ?? undefined });
    });
    return toTemplateVersion((await this.versions.find(v.id))!);
  }

  /** PATCH /templateversions/{id}/cancel: pending imports end at once; running ones become canceling. */
  async cancel(actor: Actor, id: string): Promise<{ message: string }> {
    const v = await this.resolve(actor, id);
    this.authz.require(actor, 'update', versionObject(v));
    await this.ds.transaction(async (db) => {
      const job = await this.jobs.lock(db, v.job.id);
      if (!job || job.completed_at) throw badRequest('Job has already completed!');
      if (job.canceled_at) throw badRequest('Job has already been marked as canceled!');
      await this.jobs.cancel(db, job.id);
    });
    return { message: 'Job has been marked as canceled...' };
  }
}
