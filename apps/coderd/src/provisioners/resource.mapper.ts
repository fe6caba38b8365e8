import type { AgentRow, ResourceRow } from './resources.repository.js';
import type { WorkspaceAgent, WorkspaceApp, WorkspaceResource } from './resources.dto.js';

/** An agent with no connection for this long after its last one is disconnected (Coder's default). */
const INACTIVE_TIMEOUT_MS = 30_000;
const opt = <T>(v: T | null | undefined): T | undefined => (v === null || v === '' ? undefined : (v ?? undefined));

/** Coder's agent status (facts 3.5): connecting, timeout, connected or disconnected. */
export function agentStatus(a: Pick<AgentRow, 'created_at' | 'first_connected_at' | 'last_connected_at' | 'disconnected_at' | 'connection_timeout_seconds'>, now = Date.now()): WorkspaceAgent['status'] {
  if (!a.first_connected_at) {
    const timedOut = a.connection_timeout_seconds > 0 && now - Date.parse(a.created_at) > a.connection_timeout_seconds * 1000;
    return timedOut ? 'timeout' : 'connecting';
  }
  const last = a.last_connected_at ? Date.parse(a.last_connected_at) : 0;
  if ((a.disconnected_at && Date.parse(a.disconnected_at) >= last) || now - last > INACTIVE_TIMEOUT_MS) return 'disconnected';
  return 'connected';
}

/** Coder's agent health, from its status. */
export function agentHealth(status: WorkspaceAgent['status']): { healthy: boolean; reason?: string } {
  return status === 'connected' ? { healthy: true } : { healthy: false, reason: `agent is ${status === 'timeout' ? 'taking too long to connect' : 'not connected'}` };
}

function toApp(p: Record<string, unknown>): WorkspaceApp {
  return {
    id: p.id as string,
    url: opt(p.url as string | null),
    external: p.external as boolean,
    slug: p.slug as string,
    display_name: opt(p.display_name as string),
    command: opt(p.command as string | null),
    icon: opt(p.icon as string),
    subdomain: p.subdomain as boolean,
    sharing_level: p.sharing_level as string,
    healthcheck: { url: p.healthcheck_url as string, interval: p.healthcheck_interval as number, threshold: p.healthcheck_threshold as number },
    health: p.health as string,
    group: opt(p.display_group as string | null),
    hidden: p.hidden as boolean,
    open_in: p.open_in as string,
    tooltip: opt(p.tooltip as string),
    statuses: [],
  };
}

export function toAgent(a: AgentRow): WorkspaceAgent {
  const status = agentStatus(a);
  return {
    id: a.id,
    created_at: a.created_at,
    updated_at: a.updated_at,
    first_connected_at: opt(a.first_connected_at),
    last_connected_at: opt(a.last_connected_at),
    disconnected_at: opt(a.disconnected_at),
    started_at: opt(a.started_at),
    ready_at: opt(a.ready_at),
    status,
    lifecycle_state: a.lifecycle_state,
    name: a.name,
    resource_id: a.resource_id,
    instance_id: opt(a.instance_id),
    architecture: a.architecture,
    environment_variables: a.environment_variables ?? {},
    operating_system: a.operating_system,
    logs_length: a.logs_length,
    logs_overflowed: a.logs_overflowed,
    directory: opt(a.directory),
    expanded_directory: opt(a.expanded_directory),
    version: a.version,
    api_version: a.api_version,
    apps: a.apps.map(toApp),
    connection_timeout_seconds: a.connection_timeout_seconds,
    troubleshooting_url: a.troubleshooting_url,
    subsystems: a.subsystems,
    health: agentHealth(status),
    display_apps: a.display_apps,
    log_sources: [],
    scripts: a.scripts.map((s) => ({
      id: s.id as string,
      log_source_id: s.log_source_id as string,
      log_path: s.log_path as string,
      script: s.script as string,
      cron: s.cron as string,
      run_on_start: s.run_on_start as boolean,
      run_on_stop: s.run_on_stop as boolean,
      start_blocks_login: s.start_blocks_login as boolean,
      timeout: s.timeout_seconds as number,
      display_name: s.display_name as string,
    })),
    startup_script_behavior: 'non-blocking',
  };
}

export function toResource(r: ResourceRow): WorkspaceResource {
  return {
    id: r.id,
    created_at: r.created_at,
    job_id: r.job_id,
    workspace_transition: r.transition,
    type: r.type,
    name: r.name,
    hide: r.hide,
    icon: r.icon,
    agents: r.agents.map(toAgent),
    metadata: r.metadata.map((m) => ({ key: m.key, value: m.sensitive ? '' : (m.value ?? ''), sensitive: m.sensitive })),
    daily_cost: r.daily_cost,
  };
}
