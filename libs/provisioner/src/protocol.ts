// The provisioner daemon protocol: what a daemon and coderd say to each other. Coder speaks DRPC over
// a websocket; here the same messages are JSON, sent in-process by the built-in daemons and over
// HTTP by external ones (docs/provisioners.md). Field names follow Coder's provisionerd.proto.
import type { AgentMetadataDecl, AppDecl, LogLevel, ParameterDecl, ScriptDecl, Transition, VariableDecl } from './template-document.js';

export const PROVISIONER_TYPES = ['echo', 'terraform'] as const;
export type ProvisionerType = (typeof PROVISIONER_TYPES)[number];
export const JOB_TYPES = ['template_version_import', 'workspace_build', 'template_version_dry_run'] as const;
export type JobType = (typeof JOB_TYPES)[number];

/** The daemon API version this server speaks (Coder's provisionerd API version). */
export const DAEMON_API_VERSION = '1.18';

/** The build version the daemons of this package report. */
export const DAEMON_VERSION = '0.1.0';

export interface JobLog {
  /** RFC 3339. */
  created_at: string;
  source: 'provisioner_daemon' | 'provisioner';
  level: LogLevel;
  stage: string;
  output: string;
}

/** An app as provisioned: the declared app with the id this build gave it. */
export type ProvisionedApp = AppDecl & { id: string };

export type ProvisionedScript = ScriptDecl;

export interface ProvisionedAgent {
  id: string;
  name: string;
  /** A UUID; the agent authenticates with it. coderd replaces an external agent's token with one it can derive again. */
  token: string;
  /** Older daemons omit it: not external. */
  external?: boolean;
  /** Older daemons omit it: none. */
  metadata?: AgentMetadataDecl[];
  operating_system: string;
  architecture: string;
  directory: string;
  env: Record<string, string>;
  connection_timeout_seconds: number;
  troubleshooting_url: string;
  motd_file: string;
  order: number;
  apps: ProvisionedApp[];
  scripts: ProvisionedScript[];
}

export interface ProvisionedResource {
  name: string;
  type: string;
  hide: boolean;
  icon: string;
  instance_type: string | null;
  daily_cost: number;
  metadata: Array<{ key: string; value: string | null; sensitive: boolean }>;
  agents: ProvisionedAgent[];
}

export interface AcquiredJob {
  job_id: string;
  created_at: string;
  provisioner: ProvisionerType;
  type: JobType;
  /** The username of the job's initiator. */
  user_name: string;
  /** The template source as a base64 tar archive. */
  template_source_archive: string;
  template_import?: {
    metadata: JobMetadata;
    /** The template author's values for the template's variables (CreateTemplateVersionRequest.user_variable_values). */
    user_variable_values: VariableValue[];
  };
  workspace_build?: {
    workspace_build_id: string;
    workspace_name: string;
    transition: Transition;
    rich_parameter_values: Array<{ name: string; value: string }>;
    /** The template version's variables with the values its import resolved. */
    variable_values: VariableValue[];
    /** The previous build's provisioner state, base64 ('' for none). */
    state: string;
    log_level: '' | 'debug';
    metadata: JobMetadata;
  };
}

export interface VariableValue {
  name: string;
  value: string;
}

/** A template variable as an import resolved it (Coder's TemplateVersionVariable). */
export interface ResolvedVariable extends VariableDecl {
  value: string;
}

export interface JobMetadata {
  coder_url: string;
  workspace_transition: Transition;
  workspace_name: string;
  workspace_owner: string;
  workspace_owner_id: string;
  workspace_id: string;
  template_name: string;
  template_version: string;
  template_id: string;
}

export interface CompletedJob {
  job_id: string;
  template_import?: {
    start_resources: ProvisionedResource[];
    stop_resources: ProvisionedResource[];
    rich_parameters: ParameterDecl[];
    /** Older daemons omit it: no variables. */
    variables?: ResolvedVariable[];
    readme: string;
    /** The template declares an AI task (Coder's has_ai_tasks). */
    has_ai_tasks?: boolean;
  };
  workspace_build?: {
    /** The new provisioner state, base64. */
    state: string;
    resources: ProvisionedResource[];
    /** The build's AI tasks, each shown in one of its apps (Coder's AITask; at most one today). */
    ai_tasks?: Array<{ id: string; app_id: string }>;
  };
}

export interface FailedJob {
  job_id: string;
  error: string;
  error_code?: string;
}

export interface UpdateJobRequest {
  job_id: string;
  logs: JobLog[];
}

export interface UpdateJobResponse {
  /** The job was cancelled: stop and report it (fail) as soon as possible. */
  canceled: boolean;
}

export interface DaemonRegistration {
  /** Unique in the organization: a daemon registering under a taken name takes that row over. */
  name: string;
  provisioners: ProvisionerType[];
  /** Must be empty for a daemon with a provisioner key: the key's tags apply. */
  tags: Record<string, string>;
  /** The protocol version the daemon speaks (DAEMON_API_VERSION): same major, minor no newer than the server's. */
  api_version: string;
  /** The daemon's own build version, shown to operators. */
  version?: string;
}

/** The header with which an external daemon presents its provisioner key, on every request. */
export const PROVISIONER_KEY_HEADER = 'Coder-Provisioner-Daemon-Key';

/** The answer to a registration: the daemon's row, under the key's organization and tags. */
export interface RegisteredDaemon {
  id: string;
  organization_id: string;
  name: string;
  provisioners: ProvisionerType[];
  tags: Record<string, string>;
}

/** What a daemon may ask of coderd once registered; one implementation per transport. */
export interface DaemonApi {
  /** The next job for this daemon, waiting for one until `signal` aborts (then null). */
  acquire(signal: AbortSignal): Promise<AcquiredJob | null>;
  /** Appends logs and is the job's heartbeat. */
  update(req: UpdateJobRequest): Promise<UpdateJobResponse>;
  complete(job: CompletedJob): Promise<void>;
  fail(job: FailedJob): Promise<void>;
  /**
   * Calls `fn` as soon as the job is cancelled, where the transport can tell (in-process daemons
   * hear the database's announcement); otherwise the next update's answer says so.
   */
  watchCancel?(jobId: string, fn: () => void): () => void;
}
