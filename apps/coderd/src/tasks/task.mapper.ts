import { agentHealth, agentStatus } from '../provisioners/resource.mapper.js';
import { workspaceStatus } from '../workspaces/workspace-status.js';
import type { JobStatus } from '../provisioners/jobs.repository.js';
import type { Transition } from '#provisioner/template-document.js';
import type { Task, TaskStateEntry } from './tasks.dto.js';
import type { TaskRow } from './tasks.repository.js';
import { taskStatus } from './task-status.js';

/** App statuses name a failure `failure`; task states name it `failed` (codersdk.TaskState). */
const TASK_STATE: Record<string, string> = { working: 'working', idle: 'idle', complete: 'complete', failure: 'failed' };

const latest = (...times: Array<string | null | undefined>) => times.filter((t): t is string => !!t).sort().at(-1)!;

export function toTask(t: TaskRow, now = Date.now()): Task {
  const status = taskStatus({
    hasWorkspace: t.workspace_id !== null && t.workspace_name !== null,
    transition: t.build_transition,
    jobStatus: t.job_status,
    agentLifecycle: t.agent?.lifecycle_state ?? null,
    appHealth: t.app_health,
  });
  return {
    id: t.id,
    organization_id: t.organization_id,
    owner_id: t.owner_id,
    owner_name: t.owner_name,
    owner_avatar_url: t.owner_avatar_url || undefined,
    name: t.name,
    display_name: t.display_name,
    template_id: t.template_id,
    template_version_id: t.template_version_id,
    template_name: t.template_name,
    template_display_name: t.template_display_name,
    template_icon: t.template_icon,
    workspace_id: t.workspace_name === null ? undefined : (t.workspace_id ?? undefined),
    workspace_name: t.workspace_name ?? '',
    workspace_status: t.build_transition && t.job_status ? workspaceStatus(t.job_status as JobStatus, t.build_transition as Transition) : undefined,
    workspace_build_number: t.build_number ?? undefined,
    workspace_agent_id: t.agent?.id,
    workspace_agent_lifecycle: t.agent?.lifecycle_state,
    workspace_agent_health: t.agent ? agentHealth(agentStatus(t.agent, now)) : undefined,
    workspace_app_id: t.app_id ?? undefined,
    initial_prompt: t.prompt,
    status,
    current_state: currentState(t, status),
    created_at: t.created_at,
    updated_at: latest(t.created_at, t.build_updated_at, t.state?.created_at),
  };
}

/**
 * Coder's current state: the task app's latest status, unless it is older than the latest start
 * build (it belongs to an earlier run); while the task initializes, a `working` entry instead.
 */
function currentState(t: TaskRow, status: string): TaskStateEntry | undefined {
  const stale = t.state && t.build_transition === 'start' && t.build_created_at !== null && t.state.created_at < t.build_created_at;
  if (t.state && !stale) return { timestamp: t.state.created_at, state: TASK_STATE[t.state.state] ?? t.state.state, message: t.state.message, uri: t.state.uri ?? '' };
  if (status === 'initializing') return { timestamp: t.build_created_at ?? t.created_at, state: 'working', message: 'Initializing workspace', uri: '' };
  return undefined;
}
