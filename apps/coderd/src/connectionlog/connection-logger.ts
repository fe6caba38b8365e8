/** Injection token for the connection log hook. AGPL: records nothing; enterprise: the connection log while licensed. */
export const CONNECTION_LOGGER = Symbol('CONNECTION_LOGGER');

/** Sessions an agent reports (connect and disconnect, joined by connection id). */
export const AGENT_CONNECTION_TYPES = ['ssh', 'vscode', 'jetbrains', 'reconnecting_pty'] as const;
/** Every kind the log holds: agent sessions, and web requests through the server (one row each). */
export const CONNECTION_TYPES = [...AGENT_CONNECTION_TYPES, 'workspace_app', 'port_forwarding'] as const;
export type ConnectionType = (typeof CONNECTION_TYPES)[number];

/** The workspace and agent a connection reached. */
export interface ConnectionTarget {
  organization_id: string;
  workspace_owner_id: string;
  workspace_id: string;
  workspace_name: string;
  agent_name: string;
}

/**
 * One connection event. Agent sessions carry a connection id, and their disconnect completes the
 * row their connect opened (either may arrive first). Web requests have none: each is a row.
 */
export interface ConnectionEvent extends ConnectionTarget {
  action: 'connect' | 'disconnect';
  type: ConnectionType;
  time: Date;
  connection_id: string | null;
  ip: string | null;
  /** The exit code of a session (on disconnect), or the HTTP status of a web request. */
  code?: number | null;
  reason?: string | null;
  /** The signed-in user of a web request (null for anonymous); agents' sessions have none. */
  user_id?: string | null;
  user_agent?: string | null;
  slug_or_port?: string | null;
}

export interface ConnectionLogger {
  /** Which implementation is active (for operators and tests). */
  readonly kind: string;
  /** Resolves once the event is stored (or dropped, when nothing records). */
  log(event: ConnectionEvent): Promise<void>;
}

export class NopConnectionLogger implements ConnectionLogger {
  readonly kind = 'nop';
  async log(): Promise<void> {}
}
