import type { Workspace } from './workspaces.dto.js';
import type { WorkspaceRow } from './workspaces.repository.js';
import { toWorkspaceBuild } from './workspace-build.mapper.js';

const opt = <T>(v: T | null | undefined): T | undefined => (v === null || v === '' ? undefined : (v ?? undefined));

export function toWorkspace(w: WorkspaceRow): Workspace {
  const build = toWorkspaceBuild(w.latest_build, { id: w.template_id, name: w.template_name, display_name: w.template_display_name, icon: w.template_icon });
  // Coder: a workspace is healthy when every agent of its latest build is.
  const failing = build.resources.flatMap((r) => (r.agents ?? []).filter((a) => !a.health.healthy).map((a) => a.id));
  return {
    id: w.id,
    created_at: w.created_at,
    updated_at: w.updated_at,
    owner_id: w.owner_id,
    owner_name: w.owner_name,
    owner_avatar_url: w.owner_avatar_url,
    organization_id: w.organization_id,
    organization_name: w.organization_name,
    template_id: w.template_id,
    template_name: w.template_name,
    template_display_name: w.template_display_name,
    template_icon: w.template_icon,
    template_allow_user_cancel_workspace_jobs: w.template_allow_user_cancel_workspace_jobs,
    template_active_version_id: w.template_active_version_id,
    template_require_active_version: w.template_require_active_version,
    template_use_classic_parameter_flow: w.template_use_classic_parameter_flow,
    latest_build: build,
    outdated: w.latest_build.template_version_id !== w.template_active_version_id,
    name: w.name,
    autostart_schedule: opt(w.autostart_schedule),
    ttl_ms: w.ttl === null ? undefined : Number(BigInt(w.ttl) / 1_000_000n),
    last_used_at: w.last_used_at,
    deleting_at: opt(w.deleting_at),
    dormant_at: opt(w.dormant_at),
    health: { healthy: failing.length === 0, failing_agents: failing },
    automatic_updates: w.automatic_updates,
    // Renames break what refers to a workspace by name; Coder allows them only when the deployment does.
    allow_renames: true,
    favorite: w.favorite,
    next_start_at: opt(w.next_start_at),
    is_prebuild: false,
  };
}
