import type { ValidationError } from '#httpapi/api-error.js';
import type { UpdateTemplateMeta } from './templates.dto.js';
import type { TemplateRow } from './templates.repository.js';
import { ALL_DAYS, weekdaysToBitmap } from './weekdays.js';

/** The template columns PATCH /templates/{id} may change (durations in nanoseconds, as stored). */
export type TemplateSettings = Pick<
  TemplateRow,
  | 'name' | 'display_name' | 'description' | 'icon' | 'default_ttl' | 'activity_bump' | 'time_til_autostop_notify' | 'failure_ttl'
  | 'time_til_dormant' | 'time_til_dormant_autodelete' | 'autostop_requirement_days_of_week' | 'autostop_requirement_weeks'
  | 'autostart_block_days_of_week' | 'allow_user_autostart' | 'allow_user_autostop' | 'allow_user_cancel_workspace_jobs'
  | 'require_active_version' | 'deprecated' | 'max_port_sharing_level' | 'cors_behavior' | 'use_classic_parameter_flow'
  | 'disable_module_cache' | 'group_acl'
>;

/** The licensed features that unlock template settings, as Coder's schedule, access-control and port-sharing stores. */
export interface TemplateFeatures {
  /** `advanced_template_scheduling`: user autostart/autostop switches, failure and dormancy TTLs, requirements. */
  scheduling: boolean;
  /** `access_control`: require_active_version and deprecation. */
  accessControl: boolean;
  /** `control_shared_ports`: the maximum port sharing level. */
  portSharing: boolean;
}

export interface TemplateUpdatePlan {
  problems: ValidationError[];
  /** The settings after the update; undefined when nothing changes (Coder answers 304). */
  next?: TemplateSettings;
  /** What the update does to the template's workspaces. */
  workspaces: DormancyEffects;
}

export interface DormancyEffects {
  /** Count every workspace as used now (`update_workspace_last_used_at`). */
  touchLastUsed: boolean;
  /** Restart dormant workspaces' clock now (`update_workspace_dormant_at`). */
  restartDormant: boolean;
  /** Dormant workspaces need a new deleting_at: the autodelete time changed, or their clock restarts. */
  recomputeDeletingAt: boolean;
}

const NO_EFFECTS: DormancyEffects = { touchLastUsed: false, restartDormant: false, recomputeDeletingAt: false };

/** Coder's upper bound on `autostop_requirement.weeks`. */
export const MAX_AUTOSTOP_REQUIREMENT_WEEKS = 16;
const MINUTE_MS = 60_000;
const POSITIVE = 'Must be a positive integer.';


/** Fields of the create and update requests that need `advanced_template_scheduling` (create names dormancy differently). */
const SCHEDULING_FIELDS = [
  'allow_user_autostart', 'allow_user_autostop', 'failure_ttl_ms', 'time_til_dormant_ms', 'time_til_dormant_autodelete_ms',
  'dormant_ttl_ms', 'delete_ttl_ms', 'autostop_requirement', 'autostart_requirement', 'update_workspace_last_used_at',
  'update_workspace_dormant_at',
] as const;
const ACCESS_CONTROL_FIELDS = ['require_active_version', 'deprecation_message'] as const;

const msToNs = (ms: number) => (BigInt(ms) * 1_000_000n).toString();

/** Drops what the license does not cover, as Coder's AGPL stores ignore it: no error, the stored value stays. */
export function entitledFields<T extends object>(req: T, features: TemplateFeatures): T {
  const out = { ...req } as Record<string, unknown>;
  if (!features.scheduling) for (const k of SCHEDULING_FIELDS) delete out[k];
  if (!features.accessControl) for (const k of ACCESS_CONTROL_FIELDS) delete out[k];
  return out as T;
}

/**
 * PATCH /templates/{id} as a pure decision: Coder's validations (one entry per field), the settings a
 * missing field keeps, and whether anything changes at all.
 */
export function planTemplateUpdate(current: TemplateRow, request: UpdateTemplateMeta, features: TemplateFeatures): TemplateUpdatePlan {
  const req = entitledFields(request, features);
  const problems: ValidationError[] = [];
  const nonNegative = (field: keyof UpdateTemplateMeta, v: number | undefined) => {
    if (v !== undefined && v < 0) problems.push({ field, detail: POSITIVE });
  };
  const dormancy = (field: keyof UpdateTemplateMeta, v: number | undefined) => {
    if (v === undefined) return;
    if (v < 0) problems.push({ field, detail: POSITIVE });
    else if (v > 0 && v < MINUTE_MS) problems.push({ field, detail: 'Value must be at least one minute.' });
  };
  nonNegative('default_ttl_ms', req.default_ttl_ms);
  nonNegative('activity_bump_ms', req.activity_bump_ms);
  nonNegative('time_til_autostop_notify_ms', req.time_til_autostop_notify_ms);
  nonNegative('failure_ttl_ms', req.failure_ttl_ms);
  dormancy('time_til_dormant_ms', req.time_til_dormant_ms);
  dormancy('time_til_dormant_autodelete_ms', req.time_til_dormant_autodelete_ms);

  let stopDays = current.autostop_requirement_days_of_week;
  let stopWeeks = current.autostop_requirement_weeks;
  if (req.autostop_requirement) {
    const parsed = weekdaysToBitmap(req.autostop_requirement.days_of_week);
    if ('invalid' in parsed) problems.push({ field: 'autostop_requirement.days_of_week', detail: `invalid weekday "${parsed.invalid}"` });
    else stopDays = parsed.bits;
    const weeks = req.autostop_requirement.weeks;
    if (weeks < 0) problems.push({ field: 'autostop_requirement.weeks', detail: POSITIVE });
    else if (weeks > MAX_AUTOSTOP_REQUIREMENT_WEEKS) problems.push({ field: 'autostop_requirement.weeks', detail: `Must be less than ${MAX_AUTOSTOP_REQUIREMENT_WEEKS}.` });
    // Zero weeks means every week, as Coder stores it.
    else stopWeeks = String(Math.max(1, weeks));
  }
  let startBlocked = current.autostart_block_days_of_week;
  if (req.autostart_requirement) {
    const parsed = weekdaysToBitmap(req.autostart_requirement.days_of_week);
    if ('invalid' in parsed) problems.push({ field: 'autostart_requirement.days_of_week', detail: `invalid weekday "${parsed.invalid}"` });
    else startBlocked = ~parsed.bits & ALL_DAYS;
  }
  if (req.max_port_share_level !== undefined && req.max_port_share_level !== current.max_port_sharing_level && !features.portSharing) {
    problems.push({ field: 'max_port_share_level', detail: 'Restricting port sharing level is an enterprise feature that is not enabled.' });
  }
  if (problems.length > 0) return { problems, workspaces: NO_EFFECTS };

  const groupAcl = { ...current.group_acl };
  if (req.disable_everyone_group_access) delete groupAcl[current.organization_id];
  const next: TemplateSettings = {
    name: req.name || current.name,
    display_name: req.display_name ?? current.display_name,
    description: req.description ?? current.description,
    icon: req.icon ?? current.icon,
    default_ttl: req.default_ttl_ms === undefined ? current.default_ttl : msToNs(req.default_ttl_ms),
    activity_bump: req.activity_bump_ms === undefined ? current.activity_bump : msToNs(req.activity_bump_ms),
    time_til_autostop_notify: req.time_til_autostop_notify_ms === undefined ? current.time_til_autostop_notify : msToNs(req.time_til_autostop_notify_ms),
    failure_ttl: req.failure_ttl_ms === undefined ? current.failure_ttl : msToNs(req.failure_ttl_ms),
    time_til_dormant: req.time_til_dormant_ms === undefined ? current.time_til_dormant : msToNs(req.time_til_dormant_ms),
    time_til_dormant_autodelete: req.time_til_dormant_autodelete_ms === undefined ? current.time_til_dormant_autodelete : msToNs(req.time_til_dormant_autodelete_ms),
    autostop_requirement_days_of_week: stopDays,
    autostop_requirement_weeks: stopWeeks,
    autostart_block_days_of_week: startBlocked,
    allow_user_autostart: req.allow_user_autostart ?? current.allow_user_autostart,
    allow_user_autostop: req.allow_user_autostop ?? current.allow_user_autostop,
    allow_user_cancel_workspace_jobs: req.allow_user_cancel_workspace_jobs ?? current.allow_user_cancel_workspace_jobs,
    require_active_version: req.require_active_version ?? current.require_active_version,
    deprecated: req.deprecation_message ?? current.deprecated,
    max_port_sharing_level: req.max_port_share_level ?? current.max_port_sharing_level,
    cors_behavior: req.cors_behavior ?? current.cors_behavior,
    use_classic_parameter_flow: req.use_classic_parameter_flow ?? current.use_classic_parameter_flow,
    disable_module_cache: req.disable_module_cache ?? current.disable_module_cache,
    group_acl: groupAcl,
  };
  const changed = (Object.keys(next) as (keyof TemplateSettings)[]).some((k) => JSON.stringify(next[k]) !== JSON.stringify(current[k]));
  const workspaces: DormancyEffects = {
    touchLastUsed: req.update_workspace_last_used_at === true,
    restartDormant: req.update_workspace_dormant_at === true,
    recomputeDeletingAt: next.time_til_dormant_autodelete !== current.time_til_dormant_autodelete || req.update_workspace_dormant_at === true,
  };
  if (!changed && !workspaces.touchLastUsed && !workspaces.restartDormant) return { problems, workspaces: NO_EFFECTS };
  return { problems, next, workspaces };
}
