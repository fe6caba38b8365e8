import { Injectable } from '@nestjs/common';
import type { BuildReason } from '#db/entities/workspace-build.entity.js';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ApiError, badRequest, forbidden, invalidField, notFound } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import type { Pagination } from '#httpapi/pagination.js';
import { searchDate } from '#httpapi/search-terms.js';
import { AuthzService } from '../auth/authz.service.js';
import { isUuid } from '../files/files.service.js';
import { JobsRepository } from '../provisioners/jobs.repository.js';
import { toResource } from '../provisioners/resource.mapper.js';
import type { WorkspaceResource } from '../provisioners/resources.dto.js';
import { templateObject } from '../templates/templates.service.js';
import { TemplatesRepository } from '../templates/templates.repository.js';
import { UsersService } from '../users/users.service.js';
import { toWorkspaceBuild } from './workspace-build.mapper.js';
import { WorkspaceBuilder, workspaceObject } from './workspace-builder.js';
import type { CreateWorkspaceBuildRequest, WorkspaceBuild, WorkspaceBuildParameter, WorkspaceBuildTimings } from './workspace-builds.dto.js';
import { WorkspaceBuildsRepository, type BuildRow } from './workspace-builds.repository.js';
import { WorkspacesRepository, type WorkspaceRow } from './workspaces.repository.js';
import { WorkspacesService } from './workspaces.service.js';
import { BuildTimingsRepository } from './build-timings.repository.js';

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** A build with the workspace it belongs to (the build is authorized as its workspace). */
interface ResolvedBuild {
  build: BuildRow;
  workspace: WorkspaceRow;
}

@Injectable()
export class WorkspaceBuildsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly builds: WorkspaceBuildsRepository,
    private readonly workspaces: WorkspacesRepository,
    private readonly workspaceService: WorkspacesService,
    private readonly templates: TemplatesRepository,
    private readonly builder: WorkspaceBuilder,
    private readonly jobs: JobsRepository,
    private readonly timingRows: BuildTimingsRepository,
    private readonly users: UsersService,
    private readonly authz: AuthzService,
  ) {}

  /** POST /workspaces/{id}/builds: start, stop or delete, through the builder's checks. */
  /** Also called for tasks, whose builds carry reasons clients cannot send (task_resume). */
  async create(actor: Actor, workspaceId: string, req: Omit<CreateWorkspaceBuildRequest, 'reason'> & { reason?: BuildReason }): Promise<WorkspaceBuild> {
    const w = await this.workspaceService.resolve(actor, workspaceId);
    if (req.dry_run) throw invalidField('dry_run', 'Dry runs of workspace builds are not supported.');
    if (req.template_version_preset_id) throw invalidField('template_version_preset_id', 'Presets are not supported yet.');
    if (req.state !== undefined && !BASE64_RE.test(req.state)) throw invalidField('state', 'Must be base64.');
    const template = await this.templates.find(w.template_id);
    if (!template) throw notFound('The workspace\'s template has been deleted.');
    const buildId = await this.ds.transaction(async (db) => {
      const locked = await this.workspaces.lock(db, w.id);
      if (!locked) throw notFound();
      return this.builder.build(db, actor, actor.subject.id, { ...w, deleted: locked.deleted }, template, {
        transition: req.transition,
        templateVersionId: req.template_version_id,
        parameters: req.rich_parameter_values,
        state: req.state === undefined ? undefined : Buffer.from(req.state, 'base64'),
        orphan: req.orphan,
        logLevel: req.log_level,
        reason: req.reason ?? 'initiator',
      });
    });
    return this.toWire((await this.builds.find(buildId))!, w);
  }

  async list(actor: Actor, workspaceId: string, page: Pagination, since: string | undefined): Promise<WorkspaceBuild[]> {
    const w = await this.workspaceService.resolve(actor, workspaceId);
    let sinceDate: Date | undefined;
    if (since) {
      sinceDate = searchDate(since);
      if (!sinceDate) throw invalidField('since', 'Must be an RFC 3339 timestamp.', 'Query param "since" must be a valid date.');
    }
    return (await this.builds.list(w.id, page, sinceDate)).map((b) => this.toWire(b, w));
  }

  async get(actor: Actor, buildId: string): Promise<WorkspaceBuild> {
    const { build, workspace } = await this.resolve(actor, buildId);
    return this.toWire(build, workspace);
  }

  /** GET /users/{user}/workspace/{name}/builds/{number}. */
  async getByNumber(actor: Actor, userParam: string, name: string, number: string): Promise<WorkspaceBuild> {
    const n = Number(number);
    if (!Number.isSafeInteger(n) || n < 1) throw invalidField('buildnumber', 'Must be a positive integer.', 'Invalid build number.');
    const owner = await this.users.lookup(actor, userParam);
    const w = await this.workspaces.findByOwnerAndName(owner.id, name, true);
    if (!w) throw notFound();
    this.authz.requireRead(actor, workspaceObject(w));
    const b = await this.builds.findByNumber(w.id, n);
    if (!b) throw notFound();
    return this.toWire(b, w);
  }

  async jobId(actor: Actor, buildId: string): Promise<string> {
    return (await this.resolve(actor, buildId)).build.job.id;
  }

  async resources(actor: Actor, buildId: string): Promise<WorkspaceResource[]> {
    return (await this.resolve(actor, buildId)).build.resources.map(toResource);
  }

  async parameters(actor: Actor, buildId: string): Promise<WorkspaceBuildParameter[]> {
    return this.builds.parameters((await this.resolve(actor, buildId)).build.id);
  }

  /** GET /workspacebuilds/{id}/state: the provisioner state, raw (template administrators only). */
  async state(actor: Actor, buildId: string): Promise<Buffer> {
    const { build, workspace } = await this.resolve(actor, buildId);
    await this.requireTemplateUpdate(actor, workspace, 'read the provisioner state of a build');
    return (await this.builds.state(build.id)) ?? Buffer.alloc(0);
  }

  /** PUT /workspacebuilds/{id}/state: replaces the state in place (Coder's escape hatch for broken state). */
  async setState(actor: Actor, buildId: string, state: string): Promise<void> {
    const { build, workspace } = await this.resolve(actor, buildId);
    await this.requireTemplateUpdate(actor, workspace, 'change the provisioner state of a build');
    if (!BASE64_RE.test(state)) throw invalidField('state', 'Must be base64.');
    await this.builds.setState(build.id, Buffer.from(state, 'base64'));
  }

  async timings(actor: Actor, buildId: string): Promise<WorkspaceBuildTimings> {
    const { build } = await this.resolve(actor, buildId);
    return this.timingRows.forBuild(build.id, build.job.id);
  }

  /**
   * PATCH /workspacebuilds/{id}/cancel: one transaction over the locked job. Pending jobs may always
   * be cancelled; running ones only where the template allows it, or by an owner (facts 2.4).
   */
  async cancel(actor: Actor, buildId: string, expectStatus: string | undefined): Promise<{ message: string }> {
    if (expectStatus !== undefined && expectStatus !== 'running' && expectStatus !== 'pending') {
      throw badRequest(`Invalid expect_status "${expectStatus}". Only 'running' or 'pending' are allowed.`, undefined, [{ field: 'expect_status', detail: 'Must be "running" or "pending".' }]);
    }
    const { build, workspace } = await this.resolve(actor, buildId);
    this.authz.require(actor, 'update', workspaceObject(workspace));
    await this.ds.transaction(async (db) => {
      const job = await this.jobs.lock(db, build.job.id);
      if (!job || job.completed_at) throw badRequest('Job has already completed!');
      if (job.canceled_at) throw badRequest('Job has already been marked as canceled!');
      if (expectStatus && job.job_status !== expectStatus) throw new ApiError(412, 'Job is not in the expected state.', `The job is ${job.job_status}.`);
      if (job.job_status === 'running' && !workspace.template_allow_user_cancel_workspace_jobs && !actor.subject.siteRoles.includes('owner')) {
        throw forbidden('User is not allowed to cancel running workspace builds of this template. Owner role is required.');
      }
      await this.jobs.cancel(db, job.id);
    });
    return { message: 'Job has been marked as canceled...' };
  }

  private async resolve(actor: Actor, buildId: string): Promise<ResolvedBuild> {
    const build = isUuid(buildId) ? await this.builds.find(buildId) : undefined;
    if (!build) throw notFound();
    const workspace = await this.workspaces.find(build.workspace_id);
    if (!workspace) throw notFound();
    this.authz.requireRead(actor, workspaceObject(workspace));
    return { build, workspace };
  }

  /** The provisioner state is the template administrators': anyone else is answered 404, as in Coder. */
  private async requireTemplateUpdate(actor: Actor, w: WorkspaceRow, what: string): Promise<void> {
    const t = await this.templates.find(w.template_id);
    if (!t || !this.authz.can(actor, 'update', templateObject(t))) throw notFound(`Only template administrators may ${what}.`);
  }

  private toWire(b: BuildRow, w: WorkspaceRow): WorkspaceBuild {
    return toWorkspaceBuild(b, { id: w.template_id, name: w.template_name, display_name: w.template_display_name, icon: w.template_icon });
  }
}
