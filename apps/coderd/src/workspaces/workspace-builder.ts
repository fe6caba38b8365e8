import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApiError, badRequest, conflict, forbidden } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import type { Action } from '#rbac/policy.js';
import type { RbacObject } from '#rbac/authorizer.js';
import type { Subject } from '#rbac/subject.js';
import type { Transition } from '#provisioner/template-document.js';
import { AuthzService } from '../auth/authz.service.js';
import { JobsRepository } from '../provisioners/jobs.repository.js';
import { mutateTags } from '#provisioner/tags.js';
import { TemplateVersionsRepository } from '../templates/template-versions.repository.js';
import { templateObject } from '../templates/templates.service.js';
import type { TemplateRow } from '../templates/templates.repository.js';
import { resolveBuildParameters, type ParameterValue } from './build-parameters.js';
import { WorkspaceBuildsRepository, type BuildReason } from './workspace-builds.repository.js';
import { WorkspacesRepository } from './workspaces.repository.js';

/** The workspace a build is for: enough to authorize it and to post its job. */
export interface BuildTarget {
  id: string;
  owner_id: string;
  organization_id: string;
  dormant_at: string | null;
  deleted: boolean;
  user_acl: Record<string, string[]>;
  group_acl: Record<string, string[]>;
}

export interface BuildIntent {
  transition: Transition;
  templateVersionId?: string;
  parameters?: ParameterValue[];
  /** Provisioner state to use instead of the previous build's. */
  state?: Buffer;
  orphan?: boolean;
  logLevel?: '' | 'debug';
  reason: BuildReason;
}

/** A dormant workspace is its own RBAC type, whose rights exclude starting it (Coder does the same). */
export const workspaceObject = (w: Pick<BuildTarget, 'id' | 'owner_id' | 'organization_id' | 'dormant_at' | 'user_acl' | 'group_acl'>): RbacObject => ({
  type: w.dormant_at ? 'workspace_dormant' : 'workspace',
  id: w.id,
  ownerId: w.owner_id,
  orgId: w.organization_id,
  aclUsers: w.user_acl,
  aclGroups: w.group_acl,
});

const ACTIVE_JOB = new Set(['pending', 'running', 'canceling']);
/** How recently a daemon must have been seen for an orphan delete to wait for one (Coder: 90 s). */
const DAEMON_SEEN_WITHIN_S = 90;

/**
 * Coder's wsbuilder (facts 3.1): checks a build request in Coder's order and posts the build with
 * its job, in the caller's transaction, which holds the workspace row so builds of one workspace
 * are serialized.
 */
@Injectable()
export class WorkspaceBuilder {
  constructor(
    private readonly builds: WorkspaceBuildsRepository,
    private readonly workspaces: WorkspacesRepository,
    private readonly versions: TemplateVersionsRepository,
    private readonly jobs: JobsRepository,
    private readonly authz: AuthzService,
  ) {}

  /** Posts the build and its job; answers the build id. `who` is the user or system subject asking. */
  async build(db: EntityManager, who: Actor | Subject, initiatorId: string, w: BuildTarget, template: TemplateRow, intent: BuildIntent): Promise<string> {
    this.authorize(who, w, template, intent);
    if (w.deleted && intent.transition !== 'delete') throw conflict('This workspace has been deleted and cannot be modified.');
    const latest = await this.builds.latest(db, w.id);
    const versionId =
      intent.templateVersionId ??
      (!latest || (template.require_active_version && intent.transition === 'start') ? template.active_version_id : latest.template_version_id);
    if (template.require_active_version && intent.transition === 'start' && versionId !== template.active_version_id && !this.authz.can(who, 'update', templateObject(template))) {
      throw new ApiError(403, 'Cannot use a non-active version: the template requires its active version.', 'Only template administrators may start another version.');
    }
    const version = await this.versions.find(versionId, db);
    if (!version || version.template_id !== template.id) {
      throw badRequest('The template version does not belong to the workspace\'s template.', undefined, [{ field: 'template_version_id', detail: `Version ${versionId} is not a version of template "${template.name}".` }]);
    }
    const importStatus = version.job.job_status;
    if (importStatus === 'pending' || importStatus === 'running') {
      throw new ApiError(406, 'The template version is still being imported.', `Its import job is ${importStatus}; build once it has succeeded.`);
    }
    if (importStatus !== 'succeeded') throw badRequest(`The template version's import ${importStatus === 'canceled' ? 'was canceled' : 'failed'}, so it cannot be built.`);
    if (latest && ACTIVE_JOB.has(latest.job_status)) throw conflict('A workspace build is already active.');

    const previous = latest ? await this.builds.parameters(latest.id) : [];
    const { values, problems } = resolveBuildParameters({
      parameters: await this.versions.parameters(version.id, db),
      previous,
      supplied: intent.parameters ?? [],
      firstBuild: !latest,
      transition: intent.transition,
    });
    if (problems.length > 0) throw badRequest('Unable to validate parameters.', undefined, problems);

    const buildId = randomUUID();
    const jobId = randomUUID();
    await this.jobs.insert(db, {
      id: jobId,
      organizationId: template.organization_id,
      initiatorId,
      provisioner: template.provisioner,
      type: 'workspace_build',
      input: { workspace_build_id: buildId, ...(intent.logLevel === 'debug' ? { log_level: 'debug' } : {}) },
      fileId: version.job.file_id,
      tags: mutateTags(w.owner_id, version.job.tags),
    });
    await this.builds.insert(db, {
      id: buildId,
      workspaceId: w.id,
      templateVersionId: version.id,
      buildNumber: (latest?.build_number ?? 0) + 1,
      transition: intent.transition,
      initiatorId,
      jobId,
      reason: intent.reason,
      state: intent.orphan ? null : (intent.state ?? latest?.provisioner_state ?? null),
    });
    await this.builds.insertParameters(db, buildId, values);
    if (intent.orphan && !(await this.daemonSeen(db, template.organization_id))) {
      // Nobody would ever run it: Coder completes an orphan delete at once when no daemon is around.
      await this.jobs.start(db, jobId);
      await this.jobs.finish(db, jobId, null);
      await this.workspaces.markDeleted(db, w.id);
    }
    return buildId;
  }

  private authorize(who: Actor | Subject, w: BuildTarget, template: TemplateRow, intent: BuildIntent): void {
    const action: Action = intent.transition === 'start' ? (w.dormant_at ? 'update' : 'start') : intent.transition;
    this.authz.require(who, action, workspaceObject(w));
    if (intent.orphan && intent.transition !== 'delete') throw badRequest('Orphan is only permitted when deleting a workspace.', undefined, [{ field: 'orphan', detail: 'Only with transition "delete".' }]);
    if ((intent.orphan || intent.state) && !this.authz.can(who, 'update', templateObject(template))) {
      throw forbidden('Only template administrators may set the provisioner state or orphan a workspace.');
    }
  }

  private async daemonSeen(db: EntityManager, orgId: string): Promise<boolean> {
    const rows = await db.query(
      `SELECT 1 FROM provisioner_daemons WHERE organization_id = $1 AND last_seen_at > now() - make_interval(secs => $2) LIMIT 1`,
      [orgId, DAEMON_SEEN_WITHIN_S],
    );
    return rows.length > 0;
  }
}
