import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsDateString, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { APP_STATUS_STATES } from '#db/entities/workspace-app-status.entity.js';
import { SCRIPT_TIMING_STAGES, SCRIPT_TIMING_STATUSES } from '#db/entities/workspace-agent-script-timing.entity.js';
import { IsCountMap } from '#httpapi/validators.js';
import { AGENT_CONNECTION_TYPES } from '../connectionlog/connection-logger.js';

const COUNT = { message: 'Must be a whole number of at least 0.' };

export class AgentMetricLabel {
  @IsString() @MaxLength(256)
  name: string;
  @IsString() @MaxLength(1024)
  value: string;
}

/** A metric the agent collected (Coder's agentsdk.AgentMetric). Accepted for compatibility; not exported yet. */
export class AgentMetric {
  @IsString() @MaxLength(256)
  name: string;
  @ApiProperty({ enum: ['counter', 'gauge'] })
  @IsIn(['counter', 'gauge'])
  type: string;
  @IsNumber()
  value: number;
  @IsOptional() @IsArray() @ArrayMaxSize(64) @ValidateNested({ each: true }) @Type(() => AgentMetricLabel)
  labels?: AgentMetricLabel[];
}

/**
 * One stats report of an agent (Coder's agentsdk.Stats, as its HTTP report-stats route took it).
 * Counts are since the previous report; a missing field is 0.
 */
export class AgentStats {
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'integer' }, description: 'Open connections by protocol.' })
  @IsOptional() @IsCountMap()
  connections_by_proto?: Record<string, number>;
  @IsOptional() @IsInt(COUNT) @Min(0, COUNT)
  connection_count?: number;
  /** -1 when unknown. */
  @IsOptional() @IsNumber() @Min(-1)
  connection_median_latency_ms?: number;
  @IsOptional() @IsInt(COUNT) @Min(0, COUNT)
  rx_packets?: number;
  @IsOptional() @IsInt(COUNT) @Min(0, COUNT)
  rx_bytes?: number;
  @IsOptional() @IsInt(COUNT) @Min(0, COUNT)
  tx_packets?: number;
  @IsOptional() @IsInt(COUNT) @Min(0, COUNT)
  tx_bytes?: number;
  @IsOptional() @IsInt(COUNT) @Min(0, COUNT)
  session_count_vscode?: number;
  @IsOptional() @IsInt(COUNT) @Min(0, COUNT)
  session_count_jetbrains?: number;
  @IsOptional() @IsInt(COUNT) @Min(0, COUNT)
  session_count_reconnecting_pty?: number;
  @IsOptional() @IsInt(COUNT) @Min(0, COUNT)
  session_count_ssh?: number;
  @IsOptional() @IsArray() @ArrayMaxSize(1024) @ValidateNested({ each: true }) @Type(() => AgentMetric)
  metrics?: AgentMetric[];
}

export class AgentStatsResponse {
  /** How long the agent should wait before its next report, in nanoseconds (a Go duration, as Coder sends it). */
  report_interval: number;
}

/** A metadata result as the agent collected it (Coder's WorkspaceAgentMetadataResult). */
export class AgentMetadataResult {
  @IsDateString({}, { message: 'Must be an RFC 3339 timestamp.' })
  collected_at: string;
  /** Seconds since collection, as the agent saw it. */
  @IsOptional() @IsInt() @Min(0)
  age?: number;
  @IsString()
  value: string;
  @IsOptional() @IsString()
  error?: string;
}

export class AgentMetadataEntry {
  @IsString() @MaxLength(127)
  key: string;
  @ValidateNested() @Type(() => AgentMetadataResult)
  result: AgentMetadataResult;
}

export class PostMetadataRequest {
  @IsArray() @ArrayMaxSize(256) @ValidateNested({ each: true }) @Type(() => AgentMetadataEntry)
  metadata: AgentMetadataEntry[];
}

export class WorkspaceAgentMetadataDescription {
  display_name: string;
  key: string;
  script: string;
  /** Seconds. */
  interval: number;
  /** Seconds. */
  timeout: number;
}

export class WorkspaceAgentMetadataResultView {
  collected_at: string;
  /** Seconds since the result was collected. */
  age: number;
  value: string;
  error: string;
}

/** One metadata item as users see it (Coder's WorkspaceAgentMetadata). */
export class WorkspaceAgentMetadata {
  @Type(() => WorkspaceAgentMetadataResultView)
  result: WorkspaceAgentMetadataResultView;
  @Type(() => WorkspaceAgentMetadataDescription)
  description: WorkspaceAgentMetadataDescription;
}

/** One run of a script (Coder's agent RPC ScriptCompleted timing). */
export class ScriptTiming {
  @IsUUID('all', { message: 'Must be a UUID.' })
  script_id: string;
  @IsDateString({}, { message: 'Must be an RFC 3339 timestamp.' })
  start: string;
  @IsDateString({}, { message: 'Must be an RFC 3339 timestamp.' })
  end: string;
  @IsInt() @Min(-2_147_483_648) @Max(2_147_483_647)
  exit_code: number;
  @ApiProperty({ enum: SCRIPT_TIMING_STAGES })
  @IsIn(SCRIPT_TIMING_STAGES)
  stage: (typeof SCRIPT_TIMING_STAGES)[number];
  @ApiProperty({ enum: SCRIPT_TIMING_STATUSES })
  @IsIn(SCRIPT_TIMING_STATUSES)
  status: (typeof SCRIPT_TIMING_STATUSES)[number];
}

export class PostScriptCompletedRequest {
  @ValidateNested() @Type(() => ScriptTiming)
  timing: ScriptTiming;
}

export class ListeningPort {
  @IsString() @MaxLength(256)
  process_name: string;
  @ApiProperty({ enum: ['tcp'] })
  @IsIn(['tcp'])
  network: string;
  @IsInt() @Min(1) @Max(65535)
  port: number;
}

/** The ports the agent found listening (this server's route: Coder asks the agent over its tailnet). */
export class ListeningPortsReport {
  @IsArray() @ArrayMaxSize(1024) @ValidateNested({ each: true }) @Type(() => ListeningPort)
  ports: ListeningPort[];
}

export class ListeningPortsResponse {
  @Type(() => ListeningPort)
  ports: ListeningPort[];
}

/** What an app says it is doing (Coder's PatchAppStatus). */
export class PatchAppStatusRequest {
  @IsString()
  app_slug: string;
  @ApiProperty({ enum: APP_STATUS_STATES })
  @IsIn(APP_STATUS_STATES, { message: `Must be one of ${APP_STATUS_STATES.join(', ')}.` })
  state: (typeof APP_STATUS_STATES)[number];
  /** At most 160 characters. */
  @IsString()
  message: string;
  @IsOptional() @IsString() @MaxLength(2048)
  uri?: string;
  /** Deprecated; ignored. */
  @IsOptional() @IsString()
  icon?: string;
  /** Deprecated; ignored. */
  @IsOptional() @IsBoolean()
  needs_user_attention?: boolean;
}

/** How clients reach an agent (Coder's workspacesdk.AgentConnectionInfo). This server runs no DERP relay. */
export class AgentConnectionInfo {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'A tailnet DERP map; empty here (no relay regions).' })
  derp_map: Record<string, unknown>;
  derp_force_websockets: boolean;
  disable_direct_connections: boolean;
  hostname_suffix: string;
}

/** One session event an agent saw (Coder's agent proto Connection, as JSON). */
export class AgentConnection {
  @ApiProperty({ format: 'uuid', description: 'The session; its connect and disconnect share it.' })
  @IsUUID('all', { message: 'Must be a UUID.' })
  id: string;
  @ApiProperty({ enum: ['connect', 'disconnect'] })
  @IsIn(['connect', 'disconnect'])
  action: 'connect' | 'disconnect';
  @ApiProperty({ enum: AGENT_CONNECTION_TYPES })
  @IsIn(AGENT_CONNECTION_TYPES)
  type: (typeof AGENT_CONNECTION_TYPES)[number];
  @ApiProperty({ format: 'date-time', description: 'When it happened, as the agent saw it.' })
  @IsDateString({ strict: true }, { message: 'Must be an RFC 3339 timestamp.' })
  timestamp: string;
  @ApiPropertyOptional({ description: 'The client address; "localhost" is 127.0.0.1, anything unparseable is dropped.' })
  @IsOptional() @IsString() @MaxLength(64)
  ip?: string;
  @ApiPropertyOptional({ description: 'The exit code (recorded on disconnect only).' })
  @IsOptional() @IsInt()
  status_code?: number;
  @ApiPropertyOptional({ description: 'Why the session ended (disconnect only).' })
  @IsOptional() @IsString() @MaxLength(1024)
  reason?: string;
}

export class ReportConnectionRequest {
  @ValidateNested() @Type(() => AgentConnection)
  connection: AgentConnection;
}
