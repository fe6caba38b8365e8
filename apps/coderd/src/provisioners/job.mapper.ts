import type { JobRow, LogRow } from './jobs.repository.js';
import type { DaemonRow } from './daemons.repository.js';
import type { ProvisionerDaemon, ProvisionerJob, ProvisionerJobLog } from './jobs.dto.js';

const opt = <T>(v: T | null | undefined): T | undefined => (v === null || v === '' ? undefined : (v ?? undefined));

/** A job row with what the wire shape adds: its daemon's name and its place in the queue. */
export type JobWithQueue = JobRow & { queue_position: number; queue_size: number; worker_name: string | null };

export function toProvisionerJob(j: JobWithQueue, meta: { versionName: string; templateId: string | null; templateName: string | null; templateDisplayName: string | null; templateIcon: string | null }): ProvisionerJob {
  return {
    id: j.id,
    created_at: j.created_at,
    started_at: opt(j.started_at),
    completed_at: opt(j.completed_at),
    canceled_at: opt(j.canceled_at),
    error: opt(j.error),
    error_code: opt(j.error_code),
    status: j.job_status,
    worker_id: opt(j.worker_id),
    worker_name: opt(j.worker_name),
    file_id: j.file_id,
    tags: j.tags,
    queue_position: j.queue_position,
    queue_size: j.queue_size,
    organization_id: j.organization_id,
    initiator_id: j.initiator_id,
    input: { template_version_id: j.input.template_version_id, workspace_build_id: j.input.workspace_build_id },
    type: j.type,
    metadata: {
      template_version_name: meta.versionName,
      template_id: meta.templateId ?? '',
      template_name: meta.templateName ?? '',
      template_display_name: meta.templateDisplayName ?? '',
      template_icon: meta.templateIcon ?? '',
    },
    logs_overflowed: j.logs_overflowed,
  };
}

export function toJobLog(l: LogRow): ProvisionerJobLog {
  return { id: l.id, created_at: l.created_at, log_source: l.source, log_level: l.level, stage: l.stage, output: l.output };
}

export const toProvisionerDaemon = (d: DaemonRow): ProvisionerDaemon => ({ ...d, last_seen_at: d.last_seen_at ?? undefined });
