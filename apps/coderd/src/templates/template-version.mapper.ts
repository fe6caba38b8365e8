import { toProvisionerJob } from '../provisioners/job.mapper.js';
import type { ParameterRow, TemplateVersionRow } from './template-versions.repository.js';
import type { TemplateVersion, TemplateVersionParameter } from './template-versions.dto.js';

const opt = <T>(v: T | null | undefined): T | undefined => (v === null || v === '' ? undefined : (v ?? undefined));

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
