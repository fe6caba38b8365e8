import type { LogRow } from '../provisioners/jobs.repository.js';
import type { ParameterRow, TemplateVersionRow } from './template-versions.repository.js';
import type { ProvisionerJob, ProvisionerJobLog, TemplateVersion, TemplateVersionParameter } from './template-versions.dto.js';

const opt = <T>(v: T | null | undefined): T | undefined => (v === null || v === '' ? undefined : (v ?? undefined));

export function toProvisionerJob(j: TemplateVersionRow['job'], meta: { versionName: string; templateId: string | null; templateName: string | null; templateDisplayName: string | null; templateIcon: string | null }): ProvisionerJob {
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

export function toTemplateVersion(v: TemplateVersionRow): TemplateVersion {
  return {
    id: v.id,
    template_id: opt(v.template_id),
    organization_id: v.organization_id,
    created_at: v.created_at,
    updated_at: v.updated_at,
    name: v.name,
    message: v.message,
    job: toProvisionerJob(v.job, { versionName: v.name, templateId: v.template_id, templateName: v.template_name, templateDisplayName: v.template_display_name, templateIcon: v.template_icon }),
    readme: v.readme,
    created_by: { id: v.created_by_id, username: v.created_by_username, name: v.created_by_name, avatar_url: v.created_by_avatar_url },
    archived: v.archived,
    warnings: [],
    has_external_agent: v.has_external_agent ?? false,
  };
}

export function toJobLog(l: LogRow): ProvisionerJobLog {
  return { id: l.id, created_at: l.created_at, log_source: l.source, log_level: l.level, stage: l.stage, output: l.output };
}

export function toParameter(p: ParameterRow): TemplateVersionParameter {
  return {
    name: p.name,
    display_name: opt(p.display_name),
    description: p.description,
    description_plaintext: p.description,
    type: p.type,
    form_type: p.form_type,
    mutable: p.mutable,
    default_value: p.default_value,
    icon: p.icon,
    options: p.options,
    validation_error: opt(p.validation_error),
    validation_regex: opt(p.validation_regex),
    validation_min: opt(p.validation_min),
    validation_max: opt(p.validation_max),
    validation_monotonic: opt(p.validation_monotonic),
    required: p.required,
    ephemeral: p.ephemeral,
  };
}
