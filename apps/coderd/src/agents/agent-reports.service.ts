import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { isIP } from 'node:net';
import { ApiError, badRequest, invalidField } from '#httpapi/api-error.js';
import { NIL_UUID } from '#httpapi/pagination.js';
import { CONNECTION_LOGGER, type ConnectionLogger } from '../connectionlog/connection-logger.js';
import type { ReportConnectionRequest, ListeningPortsReport, PatchAppStatusRequest, PostMetadataRequest, PostScriptCompletedRequest, AgentStats, AgentStatsResponse } from './agent-reports.dto.js';
import { AgentReportsRepository } from './agent-reports.repository.js';
import { AgentStatsIngester } from './agent-stats.ingester.js';
import type { AgentWithWorkspace } from './agents.repository.js';

/** The channel announcing new metadata results of an agent (payload: the agent id). */
export const AGENT_METADATA_CHANNEL = 'workspace_agent_metadata';
/** How often agents report stats (Coder's default agent stats refresh interval). */
export const STATS_REPORT_INTERVAL_MS = 30_000;
/** Coder's cap on a metadata value and on its error. */
const METADATA_VALUE_MAX = 2048;
const APP_STATUS_MESSAGE_MAX = 160;

/** Reports an agent makes besides its logs: stats, metadata, script timings, listening ports and app statuses. */
@Injectable()
export class AgentReportsService {
  constructor(
    private readonly repo: AgentReportsRepository,
    private readonly stats: AgentStatsIngester,
    @Inject(CONNECTION_LOGGER) private readonly connections: ConnectionLogger,
  ) {}

  /**
   * A session the agent saw open or close (Coder's ReportConnection): the workspace comes from the
   * agent's own identity, the time from the event; an exit code and a reason count on disconnect only.
   */
  async reportConnection(a: AgentWithWorkspace, { connection: c }: ReportConnectionRequest): Promise<void> {
    if (c.id === NIL_UUID) throw invalidField('connection.id', 'The connection id must not be the nil UUID.');
    const ip = c.ip === 'localhost' ? '127.0.0.1' : c.ip && isIP(c.ip) ? c.ip : null;
    const disconnect = c.action === 'disconnect';
    await this.connections.log({
      action: c.action,
      type: c.type,
      time: new Date(c.timestamp),
      connection_id: c.id.toLowerCase(),
      ip,
      code: disconnect ? (c.status_code ?? null) : null,
      reason: disconnect ? (c.reason ?? null) : null,
      organization_id: a.organization_id,
      workspace_owner_id: a.owner_id,
      workspace_id: a.workspace_id,
      workspace_name: a.workspace_name,
      agent_name: a.name,
    });
  }

  async reportStats(a: AgentWithWorkspace, s: AgentStats): Promise<AgentStatsResponse> {
    await this.stats.report(a, s);
    return { report_interval: STATS_REPORT_INTERVAL_MS * 1_000_000 };
  }

  /**
   * Coder's rules: results for keys the template did not declare are ignored; a value or error past
   * 2048 bytes is cut there and the error says so.
   */
  async postMetadata(a: AgentWithWorkspace, req: PostMetadataRequest): Promise<void> {
    const results = req.metadata.map((m) => {
      let value = m.result.value;
      let error = m.result.error ?? '';
      if (Buffer.byteLength(value) > METADATA_VALUE_MAX) {
        error = `value of ${Buffer.byteLength(value)} bytes exceeded ${METADATA_VALUE_MAX} bytes`;
        value = cutBytes(value, METADATA_VALUE_MAX);
      }
      if (Buffer.byteLength(error) > METADATA_VALUE_MAX) error = cutBytes(error, METADATA_VALUE_MAX);
      return { key: m.key, value, error, collectedAt: new Date(m.result.collected_at) };
    });
    if (results.length > 0) await this.repo.setMetadata(a.id, results, AGENT_METADATA_CHANNEL);
  }

  async scriptCompleted(a: AgentWithWorkspace, req: PostScriptCompletedRequest): Promise<void> {
    const t = req.timing;
    const start = new Date(t.start);
    const end = new Date(t.end);
    if (end < start) throw new ApiError(400, 'Invalid script timing.', undefined, [{ field: 'timing.end', detail: 'Must not be before start.' }]);
    const ok = await this.repo.insertScriptTiming(a.id, { scriptId: t.script_id, start, end, exitCode: t.exit_code, stage: t.stage, status: t.status });
    if (!ok) throw new ApiError(404, 'Script not found.', `The agent has no script ${t.script_id}.`);
  }

  async reportListeningPorts(a: AgentWithWorkspace, req: ListeningPortsReport): Promise<void> {
    const seen = new Set<number>();
    const ports = req.ports.filter((p) => !seen.has(p.port) && seen.add(p.port)).sort((x, y) => x.port - y.port);
    await this.repo.setListeningPorts(a.id, ports);
  }

  /** PATCH /workspaceagents/me/app-status with Coder's 400s: an unknown app, a long message. */
  async appStatus(a: AgentWithWorkspace, req: PatchAppStatusRequest): Promise<void> {
    const app = a.apps.find((p) => p.slug === req.app_slug);
    if (!app) throw badRequest('Failed to get workspace app.', `No app found with slug "${req.app_slug}"`);
    // Coder counts bytes (Go len), not characters.
    if (Buffer.byteLength(req.message) > APP_STATUS_MESSAGE_MAX) {
      throw new ApiError(400, 'Message is too long.', `Message must be less than ${APP_STATUS_MESSAGE_MAX} characters.`, [
        { field: 'message', detail: `Message must be less than ${APP_STATUS_MESSAGE_MAX} characters.` },
      ]);
    }
    await this.repo.insertAppStatus({ id: randomUUID(), agentId: a.id, appId: app.id as string, workspaceId: a.workspace_id, state: req.state, message: req.message, uri: req.uri ?? null });
  }
}

/** The longest prefix of `s` within `max` UTF-8 bytes, never splitting a character. */
function cutBytes(s: string, max: number): string {
  const buf = Buffer.from(s);
  let end = max;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString();
}
