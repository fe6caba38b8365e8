import type { Template } from './templates.dto.js';
import type { TemplateRow } from './templates.repository.js';
import { ALL_DAYS, bitmapToWeekdays } from './weekdays.js';

const nsToMs = (ns: string) => Number(BigInt(ns) / 1_000_000n);
const noStats = () => ({ P50: null, P95: null });

export function toTemplate(t: TemplateRow): Template {
  return {
    id: t.id,
    created_at: t.created_at,
    updated_at: t.updated_at,
    organization_id: t.organization_id,
    organization_name: t.organization_name,
    organization_display_name: t.organization_display_name,
    organization_icon: t.organization_icon,
    name: t.name,
    display_name: t.display_name,
    provisioner: t.provisioner,
    active_version_id: t.active_version_id,
    active_user_count: 0,
    build_time_stats: { start: noStats(), stop: noStats(), delete: noStats() },
    description: t.description,
    deprecated: t.deprecated !== '',
    deprecation_message: t.deprecated,
    deleted: t.deleted,
    icon: t.icon,
    default_ttl_ms: nsToMs(t.default_ttl),
    activity_bump_ms: nsToMs(t.activity_bump),
    time_til_autostop_notify_ms: nsToMs(t.time_til_autostop_notify),
    autostop_requirement: { days_of_week: bitmapToWeekdays(t.autostop_requirement_days_of_week), weeks: Number(t.autostop_requirement_weeks) },
    // Autostart is allowed on every day that is not blocked.
    autostart_requirement: { days_of_week: bitmapToWeekdays(~t.autostart_block_days_of_week & ALL_DAYS) },
    created_by_id: t.created_by,
    created_by_name: t.created_by_username,
    allow_user_autostart: t.allow_user_autostart,
    allow_user_autostop: t.allow_user_autostop,
    allow_user_cancel_workspace_jobs: t.allow_user_cancel_workspace_jobs,
    failure_ttl_ms: nsToMs(t.failure_ttl),
    time_til_dormant_ms: nsToMs(t.time_til_dormant),
    time_til_dormant_autodelete_ms: nsToMs(t.time_til_dormant_autodelete),
    require_active_version: t.require_active_version,
    max_port_share_level: t.max_port_sharing_level,
    cors_behavior: t.cors_behavior,
    use_classic_parameter_flow: t.use_classic_parameter_flow,
    disable_module_cache: t.disable_module_cache,
  };
}
