/** Coder's task statuses (codersdk.TaskStatus). */
export const TASK_STATUSES = ['pending', 'initializing', 'active', 'paused', 'unknown', 'error'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** What a task's status is derived from: its workspace's latest build, and the agent and app the build runs the task in. */
export interface TaskStatusInputs {
  hasWorkspace: boolean;
  transition: string | null;
  jobStatus: string | null;
  agentLifecycle: string | null;
  appHealth: string | null;
}

/**
 * Coder's view tasks_with_status (facts 3.12): pending without a workspace; otherwise the first layer
 * that is not active decides, checked build, then agent, then app.
 */
export function taskStatus(i: TaskStatusInputs): TaskStatus {
  if (!i.hasWorkspace || i.transition === null) return 'pending';
  const build = buildLayer(i.transition, i.jobStatus);
  if (build !== 'active') return build;
  const agent = agentLayer(i.agentLifecycle);
  if (agent !== 'active') return agent;
  return appLayer(i.appHealth);
}

function buildLayer(transition: string, job: string | null): TaskStatus {
  if (job === 'failed' || job === 'canceling' || job === 'canceled') return 'error';
  if ((transition === 'stop' || transition === 'delete') && job === 'succeeded') return 'paused';
  if (transition === 'start' && job === 'pending') return 'pending';
  if (transition === 'start' && (job === 'running' || job === 'succeeded')) return 'active';
  return 'unknown';
}

function agentLayer(lifecycle: string | null): TaskStatus {
  if (lifecycle === null || lifecycle === 'created' || lifecycle === 'starting') return 'initializing';
  if (lifecycle === 'ready' || lifecycle === 'start_timeout' || lifecycle === 'start_error') return 'active';
  return 'unknown';
}

function appLayer(health: string | null): TaskStatus {
  if (health === 'initializing') return 'initializing';
  if (health === 'unhealthy') return 'error';
  if (health === 'healthy' || health === 'disabled') return 'active';
  return 'unknown';
}
