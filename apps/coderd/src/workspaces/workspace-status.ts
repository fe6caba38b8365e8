import type { Transition } from '#provisioner/template-document.js';
import type { JobStatus } from '../provisioners/jobs.repository.js';

export const WORKSPACE_STATUSES = ['pending', 'starting', 'running', 'stopping', 'stopped', 'failed', 'canceling', 'canceled', 'deleting', 'deleted'] as const;
export type WorkspaceStatus = (typeof WORKSPACE_STATUSES)[number];

const ACTIVE: Record<Transition, WorkspaceStatus> = { start: 'starting', stop: 'stopping', delete: 'deleting' };
const DONE: Record<Transition, WorkspaceStatus> = { start: 'running', stop: 'stopped', delete: 'deleted' };

/** Coder's ConvertWorkspaceStatus (facts 3.5): a workspace's status is its latest build's. */
export function workspaceStatus(jobStatus: JobStatus, transition: Transition): WorkspaceStatus {
  switch (jobStatus) {
    case 'pending':
      return 'pending';
    case 'running':
      return ACTIVE[transition];
    case 'succeeded':
      return DONE[transition];
    case 'canceling':
      return 'canceling';
    case 'canceled':
      return 'canceled';
    default:
      return 'failed';
  }
}

/** The same rule in SQL, over a job status and a transition expression, for filters. */
export const WORKSPACE_STATUS_SQL = (job: string, transition: string) => `CASE ${job}
    WHEN 'pending' THEN 'pending'
    WHEN 'running' THEN CASE ${transition} WHEN 'start' THEN 'starting' WHEN 'stop' THEN 'stopping' ELSE 'deleting' END
    WHEN 'succeeded' THEN CASE ${transition} WHEN 'start' THEN 'running' WHEN 'stop' THEN 'stopped' ELSE 'deleted' END
    WHEN 'canceling' THEN 'canceling' WHEN 'canceled' THEN 'canceled' ELSE 'failed' END`;
