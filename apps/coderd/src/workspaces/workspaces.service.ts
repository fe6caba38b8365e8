import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ApiError, badRequest, conflict, forbidden, invalidField, notFound } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import { isUniqueViolation } from '#db/pg-errors.js';
import { AuthzService } from '../auth/authz.service.js';
import { isUuid } from '../files/files.service.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { TemplateVersionsRepository } from '../templates/template-versions.repository.js';
import { templateObject } from '../templates/templates.service.js';
import { TemplatesRepository, type TemplateRow } from '../templates/templates.repository.js';
import { UsersService } from '../users/users.service.js';
import { nextAfter, parseWeeklySchedule, ScheduleError, truncateTtlMs, validateTtlMs } from './schedule.js';
import { toWorkspace } from './workspace.mapper.js';
import { WorkspaceBuilder, workspaceObject } from './workspace-builder.js';
import { parseWorkspaceSearch } from './workspace-search.js';
import type { CreateWorkspaceRequest, Workspace, WorkspacesResponse } from './workspaces.dto.js';
import { WORKSPACE_FILTER_COLUMNS, WorkspacesRepository, type WorkspaceRow } from './workspaces.repository.js';

/** Names Coder keeps for its own routes (`/@user/new`, `/create`). */
const RESERVED_NAMES = new Set(['new', 'create']);

/** A valid schedule, its next start, or a 400 naming the field. */
export function scheduleOrThrow(field: string, spec: string | undefined | null, now = new Date()): { spec: string | null; nextStartAt: Date | null } {
  if (!spec) return { spec: null, nextStartAt: null };
  try {
    const s = parseWeeklySchedule(spec);
    return { spec, nextStartAt: nextAfter(s, now) };
  } catch (err) {
    if (err instanceof ScheduleError) throw invalidField(field, err.message, 'Invalid autostart schedule.');
    throw err;
  }
}

export function ttlOrThrow(ttlMs: number | null | undefined): bigint | null {
  const problem = validateTtlMs(ttlMs);
  if (problem) throw invalidField('ttl_ms', problem, 'Invalid workspace autostop timer.');
  const stored = truncateTtlMs(ttlMs);
  return stored ? BigInt(stored) * 1_000_000n : null;
}

@Injectable()
export class WorkspacesService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly workspaces: WorkspacesRepository,
    private readonly templates: TemplatesRepository,
    private readonly versions: TemplateVersionsRepository,
    private readonly builder: WorkspaceBuilder,
    private readonly users: UsersService,
    private readonly orgs: OrganizationsService,
    private readonly authz: AuthzService,
  ) {}

  /**
   * POST /organizations/{org}/members/{user}/workspaces and /users/{user}/workspaces: the workspace
   * and its first (start) build, in one transaction. Without `orgParam` the template's organization is used.
   * `alongside` runs in the same transaction, after the build is posted (a task is created with its workspace).
   */
  async create(
    actor: Actor,
    userParam: string,
    req: CreateWorkspaceRequest,
    orgParam?: string,
    alongside?: (db: EntityManager, w: { id: string; ownerId: string; organizationId: string }) => Promise<void>,
  ): Promise<Workspace> {
    // The organization route resolves its organization first: outsiders hear 404, as in Coder.
    const org = orgParam === undefined ? undefined : await this.orgs.resolve(actor, orgParam);
    // A user the caller may not see (neither the user nor a membership) does not exist for it.
    const owner = await this.users.resolveVisible(actor, userParam);
    const template = await this.templateFor(actor, req);
    if (org && org.id !== template.organization_id) {
      throw invalidField('template_id', 'The template belongs to another organization.', 'Template is not in this organization.');
    }
    if (RESERVED_NAMES.has(req.name.toLowerCase())) throw invalidField('name', `"${req.name}" is reserved; choose another name.`);
    const target = { id: randomUUID(), owner_id: owner.id, organization_id: template.organization_id, dormant_at: null, deleted: false, user_acl: {}, group_acl: {} };
    this.authz.requireCreate(actor, workspaceObject(target), 'workspaces for this user in this organization');
    if (!(await this.workspaces.isMember(template.organization_id, owner.id))) {
      throw forbidden(`User "${owner.username}" is not a member of the template's organization, so cannot own a workspace there.`);
    }
    const schedule = template.allow_user_autostart ? scheduleOrThrow('autostart_schedule', req.autostart_schedule) : { spec: null, nextStartAt: null };
    // Without a TTL of its own the workspace takes the template's default, as in Coder.
    const ttlNs = template.allow_user_autostop && req.ttl_ms !== undefined ? ttlOrThrow(req.ttl_ms) : BigInt(template.default_ttl) || null;
    try {
      await this.ds.transaction(async (db) => {
        if (await this.workspaces.nameTaken(db, owner.id, req.name)) throw nameTaken(req.name);
        await this.workspaces.insert(db, {
          id: target.id,
          ownerId: owner.id,
          organizationId: template.organization_id,
          templateId: template.id,
          name: req.name,
          autostartSchedule: schedule.spec,
          ttlNs,
          automaticUpdates: req.automatic_updates ?? 'never',
          nextStartAt: schedule.nextStartAt,
        });
        await this.builder.build(db, actor, actor.subject.id, target, template, {
          transition: 'start',
          templateVersionId: req.template_version_id,
          parameters: req.rich_parameter_values,
          reason: 'initiator',
        });
        await alongside?.(db, { id: target.id, ownerId: owner.id, organizationId: template.organization_id });
      });
    } catch (err) {
      // Two creations of one name at once: the unique index decides, and the loser hears 409.
      if (isUniqueViolation(err)) throw nameTaken(req.name);
      throw err;
    }
    return toWorkspace((await this.workspaces.find(target.id))!);
  }

  /** GET /workspaces/{id}: 410 for a deleted one unless asked for. */
  async get(actor: Actor, id: string, includeDeleted: boolean): Promise<Workspace> {
    return toWorkspace(this.live(await this.resolve(actor, id), includeDeleted));
  }

  async getByOwnerAndName(actor: Actor, userParam: string, name: string, includeDeleted: boolean): Promise<Workspace> {
    const owner = await this.users.lookup(actor, userParam);
    const w = await this.workspaces.findByOwnerAndName(owner.id, name, includeDeleted);
    if (!w) throw notFound();
    this.authz.requireRead(actor, workspaceObject(w));
    return toWorkspace(this.live(w, includeDeleted));
  }

  async list(actor: Actor, q: string | undefined, page: { limit: number; offset: number }): Promise<WorkspacesResponse> {
    const search = parseWorkspaceSearch(q);
    const authorized = this.authz.sqlFilter(actor, 'read', 'workspace', WORKSPACE_FILTER_COLUMNS);
    const { rows, count } = await this.workspaces.list(search, actor.subject.id, authorized, page);
    return { workspaces: rows.map(toWorkspace), count };
  }

  /** PATCH /workspaces/{id}: a new name, unique among the owner's live workspaces. */
  async rename(actor: Actor, id: string, name: string): Promise<void> {
    const w = this.live(await this.resolve(actor, id), false);
    this.authz.require(actor, 'update', workspaceObject(w));
    if (RESERVED_NAMES.has(name.toLowerCase())) throw invalidField('name', `"${name}" is reserved; choose another name.`);
    if (name === w.name) return;
    try {
      await this.ds.transaction(async (db) => {
        if (name.toLowerCase() !== w.name.toLowerCase() && (await this.workspaces.nameTaken(db, w.owner_id, name))) throw nameTaken(name);
        await this.workspaces.rename(w.id, name);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken(name);
      throw err;
    }
  }

  /** A workspace the actor may read (404 otherwise), deleted ones included. */
  async resolve(actor: Actor, id: string): Promise<WorkspaceRow> {
    const w = isUuid(id) ? await this.workspaces.find(id) : undefined;
    if (!w) throw notFound();
    this.authz.requireRead(actor, workspaceObject(w));
    return w;
  }

  live(w: WorkspaceRow, includeDeleted: boolean): WorkspaceRow {
    if (w.deleted && !includeDeleted) {
      throw new ApiError(410, `Workspace "${w.name}" was deleted, you can view this workspace by specifying '?include_deleted=true' and trying again.`);
    }
    return w;
  }

  /** The template of a create request: exactly one of template_id and template_version_id names it. */
  private async templateFor(actor: Actor, req: CreateWorkspaceRequest): Promise<TemplateRow> {
    if (req.template_id && req.template_version_id) throw badRequest('Template ID and template version ID cannot both be specified.');
    let templateId = req.template_id;
    if (!templateId) {
      if (!req.template_version_id) throw badRequest('Either template_id or template_version_id must be specified.', undefined, [{ field: 'template_id', detail: 'Required unless template_version_id is given.' }]);
      const v = await this.versions.find(req.template_version_id);
      if (!v?.template_id) throw invalidField('template_version_id', `No template version ${req.template_version_id} of a template exists.`, 'Template version not found.');
      templateId = v.template_id;
    }
    const t = await this.templates.find(templateId);
    if (!t || !this.authz.can(actor, 'read', templateObject(t))) throw invalidField('template_id', `Template ${templateId} does not exist or you cannot read it.`, 'Template not found.');
    if (!this.authz.can(actor, 'use', templateObject(t))) throw forbidden(`You are not allowed to use template "${t.name}".`);
    if (t.deprecated !== '') throw new ApiError(403, `Template "${t.name}" has been deprecated, and cannot be used to create a new workspace.`, t.deprecated);
    return t;
  }
}

const nameTaken = (name: string) =>
  conflict(`Workspace "${name}" already exists.`, undefined, [{ field: 'name', detail: 'This value is already in use and should be unique.' }]);
