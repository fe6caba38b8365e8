import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { badRequest, conflict, invalidField } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import { AuthzService } from '../auth/authz.service.js';
import { TemplatesRepository, type TemplateRow } from '../templates/templates.repository.js';
import { validateExtension } from './schedule.js';
import { toWorkspace } from './workspace.mapper.js';
import { workspaceStatus } from './workspace-status.js';
import { workspaceObject } from './workspace-builder.js';
import { WorkspaceBuildsRepository } from './workspace-builds.repository.js';
import type { Workspace } from './workspaces.dto.js';
import { WorkspacesRepository, type WorkspaceRow } from './workspaces.repository.js';
import { scheduleOrThrow, ttlOrThrow, WorkspacesService } from './workspaces.service.js';

const ZERO_TIME = '0001-01-01T00:00:00.000000Z';

/** PUT /workspaces/{id}/autostart, /ttl, /extend, /dormant and /autoupdates (facts 3.8). */
@Injectable()
export class WorkspaceSettingsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly workspaces: WorkspacesRepository,
    private readonly builds: WorkspaceBuildsRepository,
    private readonly templates: TemplatesRepository,
    private readonly workspaceService: WorkspacesService,
    private readonly authz: AuthzService,
  ) {}

  async autostart(actor: Actor, id: string, schedule: string | undefined): Promise<void> {
    const { w, t } = await this.updatable(actor, id);
    if (schedule && !t.allow_user_autostart) throw badRequest('Autostart is not allowed for workspaces using this template.');
    const s = scheduleOrThrow('schedule', schedule);
    await this.workspaces.updateSettings(w.id, { autostartSchedule: s.spec, nextStartAt: s.nextStartAt });
  }

  /** A null TTL turns autostop off, and the running build loses its deadline (as in Coder). */
  async ttl(actor: Actor, id: string, ttlMs: number | null | undefined): Promise<void> {
    const { w, t } = await this.updatable(actor, id);
    if (!t.allow_user_autostop) throw badRequest('Custom autostop TTL is not allowed for workspaces using this template.');
    const ttlNs = ttlOrThrow(ttlMs);
    await this.ds.transaction(async (db) => {
      await this.workspaces.updateSettings(w.id, { ttlNs }, db);
      if (ttlNs === null && w.latest_build.transition === 'start') await this.builds.setDeadline(db, w.latest_build.id, new Date(ZERO_TIME));
    });
  }

  /** PUT /workspaces/{id}/extend: moves the running build's deadline. */
  async extend(actor: Actor, id: string, deadline: string): Promise<{ message: string }> {
    const { w } = await this.updatable(actor, id);
    const b = w.latest_build;
    const when = new Date(deadline);
    if (Number.isNaN(when.getTime())) throw invalidField('deadline', 'Must be an RFC 3339 timestamp.');
    // Coder's order and wording: a build that is not a finished start is a conflict, not bad input.
    if (b.transition !== 'start') throw conflict(`Workspace must be started, current status: ${workspaceStatus(b.job.job_status, b.transition)}`);
    if (b.job.job_status !== 'succeeded') throw conflict('Workspace is still building!');
    if (b.deadline === ZERO_TIME) throw conflict('Workspace shutdown is manual.');
    const completed = b.job.completed_at ? new Date(b.job.completed_at) : null;
    const problem = validateExtension(when, new Date(), b.max_deadline === ZERO_TIME ? null : new Date(b.max_deadline), completed);
    if (problem) throw badRequest(problem, undefined, [{ field: 'deadline', detail: problem }]);
    await this.ds.transaction((db) => this.builds.setDeadline(db, b.id, when));
    return { message: `Deadline updated to ${when.toISOString()}.` };
  }

  /** Dormant: dormant_at now and, if the template says so, deleting_at after its autodelete delay. Active again: last used now. */
  async dormant(actor: Actor, id: string, dormant: boolean): Promise<Workspace> {
    const { w, t } = await this.updatable(actor, id);
    const now = new Date();
    const autodeleteMs = Number(BigInt(t.time_til_dormant_autodelete) / 1_000_000n);
    if (dormant && !w.dormant_at) {
      await this.workspaces.updateSettings(w.id, { dormantAt: now, deletingAt: autodeleteMs > 0 ? new Date(now.getTime() + autodeleteMs) : null });
    } else if (!dormant && w.dormant_at) {
      await this.workspaces.updateSettings(w.id, { dormantAt: null, deletingAt: null });
      await this.workspaces.markUsed(w.id, now);
    }
    return toWorkspace((await this.workspaces.find(w.id))!);
  }

  async autoupdates(actor: Actor, id: string, value: 'always' | 'never'): Promise<void> {
    const { w } = await this.updatable(actor, id);
    await this.workspaces.updateSettings(w.id, { automaticUpdates: value });
  }

  private async updatable(actor: Actor, id: string): Promise<{ w: WorkspaceRow; t: TemplateRow }> {
    const w = this.workspaceService.live(await this.workspaceService.resolve(actor, id), false);
    this.authz.require(actor, 'update', workspaceObject(w));
    const t = await this.templates.find(w.template_id);
    if (!t) throw badRequest('The workspace\'s template has been deleted.');
    return { w, t };
  }
}
