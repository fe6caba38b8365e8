import { toProvisionerJob } from '../provisioners/job.mapper.js';
import { toResource } from '../provisioners/resource.mapper.js';
import type { WorkspaceBuild } from './workspace-builds.dto.js';
import type { BuildRow } from './workspace-builds.repository.js';
import { workspaceStatus } from './workspace-status.js';

/** Go's zero time, which Coder stores for "no deadline". */
const ZERO_TIME = '0001-01-01T00:00:00.000000Z';
const time = (t: string) => (t === ZERO_TIME ? undefined : t);

export function toWorkspaceBuild(b: BuildRow, template: { id: string; name: string; display_name: string; icon: string }): WorkspaceBuild {
  return {
    id: b.id,
    created_at: b.created_at,
    updated_at: b.updated_at,
    workspace_id: b.workspace_id,
    workspace_name: b.workspace_name,
    workspace_owner_id: b.workspace_owner_id,
    workspace_owner_name: b.workspace_owner_name,
    workspace_owner_avatar_url: b.workspace_owner_avatar_url || undefined,
    template_version_id: b.template_version_id,
    template_version_name: b.template_version_name,
    build_number: b.build_number,
    transition: b.transition,
    initiator_id: b.initiator_id,
    initiator_name: b.initiator_name,
    job: {
      ...toProvisionerJob(b.job, {
        versionName: b.template_version_name,
        templateId: template.id,
        templateName: template.name,
        templateDisplayName: template.display_name,
        templateIcon: template.icon,
      }),
    },
    reason: b.reason,
    resources: b.resources.map(toResource),
    deadline: time(b.deadline),
    max_deadline: time(b.max_deadline),
    status: workspaceStatus(b.job.job_status, b.transition),
    daily_cost: b.daily_cost,
    has_ai_task: b.has_ai_task ?? undefined,
    has_external_agent: b.has_external_agent ?? undefined,
    task_app_id: b.ai_task_sidebar_app_id ?? undefined,
    ai_task_sidebar_app_id: b.ai_task_sidebar_app_id ?? undefined,
  };
}
