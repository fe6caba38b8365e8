import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { badRequest, conflict, invalidField, notFound } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import type { RbacObject } from '#rbac/authorizer.js';
import { AuthzService } from '../auth/authz.service.js';
import { isUuid } from '../files/files.service.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { TemplateVersionsRepository } from '../templates/template-versions.repository.js';
import { versionObject } from '../templates/template-versions.service.js';
import { UsersService } from '../users/users.service.js';
import { WorkspaceBuildsService } from '../workspaces/workspace-builds.service.js';
import { WorkspacesService } from '../workspaces/workspaces.service.js';
import { toTask } from './task.mapper.js';
import { parseTaskSearch } from './task-search.js';
import type { CreateTaskRequest, Task, TaskBuildResponse, TasksListResponse } from './tasks.dto.js';
import { TasksRepository, type TaskRow } from './tasks.repository.js';

/** Templates written for Coder before tasks had a prompt of their own read it from this parameter. */
export const AI_PROMPT_PARAMETER = 'AI Prompt';
const TASK_FILTER_COLUMNS = { id: 't.id', owner: 't.owner_id', org: 't.organization_id' };

const taskObject = (t: Pick<TaskRow, 'id' | 'owner_id' | 'organization_id'>): RbacObject => ({ type: 'task', id: t.id, ownerId: t.owner_id, orgId: t.organization_id });

/**
 * A task name from its prompt, as Coder makes one when none is given: the prompt's first words as a
 * workspace name (letters and digits between single hyphens), with a random suffix so that two
 * tasks from one prompt do not collide.
 */
export function taskNameFromInput(input: string): string {
  const words = input.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const stem = words.slice(0, 27).replace(/-+$/, '') || 'task';
  return `${stem}-${randomBytes(2).toString('hex')}`;
}

/** A UUID in either of the forms Go's uuid.Parse takes for Coder: hyphenated, or 32 hex digits. */
function asUuid(s: string): string | undefined {
  if (isUuid(s)) return s;
  if (!/^[0-9a-f]{32}$/i.test(s)) return undefined;
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

@Injectable()
export class TasksService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly tasks: TasksRepository,
    private readonly versions: TemplateVersionsRepository,
    private readonly workspaces: WorkspacesService,
    private readonly builds: WorkspaceBuildsService,
    private readonly users: UsersService,
    private readonly orgs: OrganizationsService,
    private readonly authz: AuthzService,
  ) {}

  /**
   * POST /tasks/{user}: the task and its workspace (named as the task) in one transaction, as in
   * Coder. The version must declare an AI task (`ai_task` in the template document).
   */
  async create(actor: Actor, userParam: string, req: CreateTaskRequest): Promise<Task> {
    const owner = await this.users.resolveVisible(actor, userParam);
    // An unreadable version is answered as a missing one, as in Coder.
    const version = await this.versions.find(req.template_version_id);
    if (!version || !this.authz.can(actor, 'read', versionObject(version))) {
      throw invalidField('template_version_id', 'Template version not found or you do not have access to this resource');
    }
    if (!version.has_ai_task) throw badRequest('Template does not have a valid "coder_ai_task" resource.');
    if (req.template_version_preset_id) throw invalidField('template_version_preset_id', 'Presets are not supported yet.');
    const name = req.name ?? taskNameFromInput(req.input);
    const displayName = req.display_name ?? (req.input.split('\n')[0] ?? '').trim().slice(0, 64);
    const declared = await this.versions.parameters(version.id);
    const parameters = declared.some((p) => p.name === AI_PROMPT_PARAMETER) ? [{ name: AI_PROMPT_PARAMETER, value: req.input }] : [];
    const id = randomUUID();
    this.authz.requireCreate(actor, taskObject({ id, owner_id: owner.id, organization_id: version.organization_id }), 'tasks for this user');
    await this.workspaces.create(actor, owner.id, { name, template_version_id: version.id, rich_parameter_values: parameters }, undefined, async (db, w) => {
      if (await this.tasks.nameTaken(db, owner.id, name)) throw conflict(`Task "${name}" already exists.`, undefined, [{ field: 'name', detail: 'This value is already in use and should be unique.' }]);
      await this.tasks.insert(db, {
        id,
        organizationId: w.organizationId,
        ownerId: owner.id,
        name,
        displayName,
        workspaceId: w.id,
        templateVersionId: version.id,
        parameters: Object.fromEntries(parameters.map((p) => [p.name, p.value])),
        prompt: req.input,
      });
    });
    return toTask((await this.tasks.find(id))!);
  }

  /** GET /tasks: the tasks the caller may read, newest first; `q` takes owner:, organization: and status:. */
  async list(actor: Actor, q: string | undefined): Promise<TasksListResponse> {
    const search = parseTaskSearch(q);
    const ownerId = search.owner ? (await this.users.lookup(actor, search.owner)).id : undefined;
    const organizationId = search.organization ? (await this.orgs.resolve(actor, search.organization)).id : undefined;
    const rows = await this.tasks.list({ ownerId, organizationId }, this.authz.sqlFilter(actor, 'read', 'task', TASK_FILTER_COLUMNS));
    const now = Date.now();
    const tasks = rows.map((r) => toTask(r, now)).filter((t) => !search.statuses || search.statuses.includes(t.status as never));
    return { tasks, count: tasks.length };
  }

  async get(actor: Actor, userParam: string, taskParam: string): Promise<Task> {
    return toTask(await this.resolve(actor, userParam, taskParam));
  }

  /** DELETE /tasks/{user}/{task}: its workspace is deleted (a delete build) and the task marked deleted; 202. */
  async delete(actor: Actor, userParam: string, taskParam: string): Promise<void> {
    const t = await this.resolve(actor, userParam, taskParam);
    this.authz.require(actor, 'delete', taskObject(t));
    if (t.workspace_id && t.workspace_name !== null) await this.builds.create(actor, t.workspace_id, { transition: 'delete' });
    await this.tasks.markDeleted(t.id);
  }

  /** POST .../pause and .../resume: a stop or start build of the task's workspace, with Coder's reasons. */
  async setRunning(actor: Actor, userParam: string, taskParam: string, run: boolean): Promise<TaskBuildResponse> {
    const t = await this.resolve(actor, userParam, taskParam);
    this.authz.require(actor, 'update', taskObject(t));
    if (!t.workspace_id || t.workspace_name === null) throw badRequest('Task has no workspace.', 'Its workspace was deleted.');
    const build = await this.builds.create(actor, t.workspace_id, { transition: run ? 'start' : 'stop', reason: run ? 'task_resume' : 'task_manual_pause' });
    return { workspace_build: build };
  }

  /**
   * A task by id, or else by name for its owner (Coder's task parameter): a UUID that is no task's id
   * is tried as a name too, since a name may look like one. Both lookups use an index. Tasks the
   * caller may not read are 404.
   */
  private async resolve(actor: Actor, userParam: string, taskParam: string): Promise<TaskRow> {
    const owner = await this.users.lookup(actor, userParam);
    const id = asUuid(taskParam);
    let t = id ? await this.tasks.find(id) : undefined;
    if (t && t.owner_id !== owner.id) t = undefined;
    t ??= await this.tasks.findByOwnerAndName(owner.id, taskParam);
    if (!t || !this.authz.can(actor, 'read', taskObject(t))) throw notFound();
    return t;
  }
}
