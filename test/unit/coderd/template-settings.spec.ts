// PATCH /templates/{id} as a pure decision: Coder's validations, what the license lets through,
// what a missing field keeps, and when nothing changes (304).
import { describe, expect, it } from '@jest/globals';
import { entitledFields, planTemplateUpdate, type TemplateFeatures } from '#coderd/templates/template-settings.js';
import type { UpdateTemplateMeta } from '#coderd/templates/templates.dto.js';
import type { TemplateRow } from '#coderd/templates/templates.repository.js';

const ORG = '8d7b6a5c-0000-4000-8000-000000000001';
const ALL: TemplateFeatures = { scheduling: true, accessControl: true, portSharing: true };
const NONE: TemplateFeatures = { scheduling: false, accessControl: false, portSharing: false };
const HOUR_NS = '3600000000000';

const current: TemplateRow = {
  id: '8d7b6a5c-0000-4000-8000-000000000002',
  created_at: '2026-12-01T00:00:00.000000Z',
  updated_at: '2026-12-01T00:00:00.000000Z',
  organization_id: ORG,
  organization_name: 'coder',
  organization_display_name: 'Coder',
  organization_icon: '',
  deleted: false,
  name: 'docker',
  display_name: 'Docker',
  description: 'Containers',
  provisioner: 'echo',
  active_version_id: '8d7b6a5c-0000-4000-8000-000000000003',
  deprecated: '',
  icon: '',
  default_ttl: HOUR_NS,
  activity_bump: HOUR_NS,
  failure_ttl: '0',
  time_til_dormant: '0',
  time_til_dormant_autodelete: '0',
  time_til_autostop_notify: '0',
  autostop_requirement_days_of_week: 0,
  autostop_requirement_weeks: '1',
  autostart_block_days_of_week: 0,
  created_by: '8d7b6a5c-0000-4000-8000-000000000004',
  created_by_username: 'owner',
  allow_user_autostart: true,
  allow_user_autostop: true,
  allow_user_cancel_workspace_jobs: true,
  require_active_version: false,
  use_classic_parameter_flow: false,
  disable_module_cache: false,
  max_port_sharing_level: 'owner',
  cors_behavior: 'simple',
  group_acl: { [ORG]: ['read', 'use'] },
  user_acl: {},
};

const plan = (req: UpdateTemplateMeta, features = ALL) => planTemplateUpdate(current, req, features);

describe('planTemplateUpdate', () => {
  it('keeps every field the request leaves out, and converts durations to nanoseconds', () => {
    const p = plan({ display_name: 'Docker 2', default_ttl_ms: 7_200_000 });
    expect(p.problems).toEqual([]);
    expect(p.next).toEqual({
      ...Object.fromEntries(Object.keys(p.next!).map((k) => [k, current[k as keyof TemplateRow]])),
      display_name: 'Docker 2',
      default_ttl: '7200000000000',
    });
  });

  it('an empty name keeps the name, as in Coder', () => {
    expect(plan({ name: '', description: 'new' }).next).toMatchObject({ name: 'docker', description: 'new' });
  });

  it('nothing changes (Coder answers 304) when every value equals the stored one', () => {
    expect(plan({}).next).toBeUndefined();
    expect(plan({ name: 'docker', display_name: 'Docker', default_ttl_ms: 3_600_000, allow_user_autostart: true }).next).toBeUndefined();
  });

  it('asking to touch the workspaces is a change even when no setting changes', () => {
    const p = plan({ update_workspace_last_used_at: true });
    expect(p.next).toBeDefined();
    expect(p.workspaces).toEqual({ touchLastUsed: true, restartDormant: false, recomputeDeletingAt: false });
  });

  it('names every invalid field with Coder\'s detail, and changes nothing', () => {
    const p = plan({
      default_ttl_ms: -1,
      activity_bump_ms: -1,
      failure_ttl_ms: -5,
      time_til_dormant_ms: 59_999,
      time_til_dormant_autodelete_ms: -1,
      autostop_requirement: { days_of_week: ['monday', 'funday'], weeks: 17 },
      autostart_requirement: { days_of_week: ['someday'] },
    });
    expect(p.next).toBeUndefined();
    expect(p.problems).toEqual([
      { field: 'default_ttl_ms', detail: 'Must be a positive integer.' },
      { field: 'activity_bump_ms', detail: 'Must be a positive integer.' },
      { field: 'failure_ttl_ms', detail: 'Must be a positive integer.' },
      { field: 'time_til_dormant_ms', detail: 'Value must be at least one minute.' },
      { field: 'time_til_dormant_autodelete_ms', detail: 'Must be a positive integer.' },
      { field: 'autostop_requirement.days_of_week', detail: 'invalid weekday "funday"' },
      { field: 'autostop_requirement.weeks', detail: 'Must be less than 16.' },
      { field: 'autostart_requirement.days_of_week', detail: 'invalid weekday "someday"' },
    ]);
  });

  it('stores weekday requirements as Coder\'s bitmaps (autostart as the blocked days), zero weeks as one', () => {
    const p = plan({ autostop_requirement: { days_of_week: ['saturday', 'sunday'], weeks: 0 }, autostart_requirement: { days_of_week: ['monday', 'Friday'] } });
    expect(p.next).toMatchObject({ autostop_requirement_days_of_week: 0b1100000, autostop_requirement_weeks: '1', autostart_block_days_of_week: 0b1101110 });
  });

  it('dormancy: exactly one minute is accepted; a new autodelete time recomputes deleting_at', () => {
    const p = plan({ time_til_dormant_ms: 60_000, time_til_dormant_autodelete_ms: 86_400_000 });
    expect(p.problems).toEqual([]);
    expect(p.next).toMatchObject({ time_til_dormant: '60000000000', time_til_dormant_autodelete: '86400000000000' });
    expect(p.workspaces).toEqual({ touchLastUsed: false, restartDormant: false, recomputeDeletingAt: true });
    expect(plan({ update_workspace_dormant_at: true }).workspaces).toEqual({ touchLastUsed: false, restartDormant: true, recomputeDeletingAt: true });
  });

  it('without advanced_template_scheduling, scheduling fields are ignored and the stored values stay', () => {
    const p = plan({ allow_user_autostart: false, failure_ttl_ms: 60_000, time_til_dormant_ms: 60_000, autostop_requirement: { days_of_week: ['monday'], weeks: 2 }, default_ttl_ms: 0 }, NONE);
    expect(p.problems).toEqual([]);
    expect(p.next).toMatchObject({ allow_user_autostart: true, failure_ttl: '0', time_til_dormant: '0', autostop_requirement_days_of_week: 0, default_ttl: '0' });
    // Invalid values of ignored fields are not reported either: they are not looked at.
    expect(plan({ failure_ttl_ms: -1 }, NONE)).toEqual({ problems: [], workspaces: { touchLastUsed: false, restartDormant: false, recomputeDeletingAt: false } });
    expect(plan({ update_workspace_last_used_at: true }, NONE).next).toBeUndefined();
  });

  it('without access_control, deprecation and require_active_version are ignored', () => {
    expect(plan({ deprecation_message: 'use v2', require_active_version: true }, NONE).next).toBeUndefined();
    expect(plan({ deprecation_message: 'use v2', require_active_version: true }).next).toMatchObject({ deprecated: 'use v2', require_active_version: true });
    expect(plan({ deprecation_message: '' }).next).toBeUndefined();
  });

  it('changing the port sharing level needs control_shared_ports; repeating the stored one does not', () => {
    expect(plan({ max_port_share_level: 'public' }, NONE).problems).toEqual([
      { field: 'max_port_share_level', detail: 'Restricting port sharing level is an enterprise feature that is not enabled.' },
    ]);
    expect(plan({ max_port_share_level: 'owner' }, NONE).problems).toEqual([]);
    expect(plan({ max_port_share_level: 'public' }).next).toMatchObject({ max_port_sharing_level: 'public' });
  });

  it('disable_everyone_group_access removes only the Everyone group from the ACL', () => {
    const other = '8d7b6a5c-0000-4000-8000-00000000000f';
    const p = planTemplateUpdate({ ...current, group_acl: { [ORG]: ['read', 'use'], [other]: ['read'] } }, { disable_everyone_group_access: true }, ALL);
    expect(p.next!.group_acl).toEqual({ [other]: ['read'] });
    expect(planTemplateUpdate({ ...current, group_acl: {} }, { disable_everyone_group_access: true }, ALL).next).toBeUndefined();
  });
});

describe('entitledFields', () => {
  it('drops unlicensed fields from a create request too, keeping the rest', () => {
    const req = { name: 'x', allow_user_autostop: false, require_active_version: true, default_ttl_ms: 5, dormant_ttl_ms: 60_000, delete_ttl_ms: 60_000 };
    expect(entitledFields(req, NONE)).toEqual({ name: 'x', default_ttl_ms: 5 });
    expect(entitledFields(req, ALL)).toEqual(req);
  });
});
