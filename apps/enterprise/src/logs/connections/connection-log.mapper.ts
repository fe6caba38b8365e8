import type * as sdk from '#sdk/logs.js';
import { AGENT_CONNECTION_TYPES } from '#coderd/connectionlog/connection-logger.js';
import { toUser } from '#coderd/users/user.mapper.js';
import type { ConnectionLogRow } from './connection-logs.repository.js';

const isAgentType = (t: string) => (AGENT_CONNECTION_TYPES as readonly string[]).includes(t);

/** Coder's shape: agent sessions carry ssh_info (disconnect fields once closed), web requests web_info. */
export function toConnectionLog(r: ConnectionLogRow): sdk.ConnectionLog {
  const log: sdk.ConnectionLog = {
    id: r.id,
    connect_time: r.connect_time,
    organization: r.organization ?? { id: '', name: '', display_name: '', icon: '' },
    workspace_owner_id: r.workspace_owner_id,
    workspace_owner_username: r.workspace_owner_username,
    workspace_id: r.workspace_id,
    workspace_name: r.workspace_name,
    agent_name: r.agent_name,
    type: r.type,
  };
  if (r.ip) log.ip = r.ip;
  if (isAgentType(r.type)) {
    const ssh: sdk.ConnectionLogSSHInfo = { connection_id: r.connection_id ?? '' };
    if (r.disconnect_time) {
      ssh.disconnect_time = r.disconnect_time;
      ssh.disconnect_reason = r.disconnect_reason ?? '';
      if (r.code !== null) ssh.exit_code = r.code;
    }
    log.ssh_info = ssh;
  } else {
    log.web_info = { user_agent: r.user_agent ?? '', user: r.user ? toUser(r.user) : null, slug_or_port: r.slug_or_port ?? '', status_code: r.code ?? 0 };
  }
  return log;
}
