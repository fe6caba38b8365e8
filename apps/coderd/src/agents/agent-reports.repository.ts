import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { isoTimestamp } from '#db/sql.js';
import type { ScriptTimingStage, ScriptTimingStatus } from '#db/entities/workspace-agent-script-timing.entity.js';
import type { AppStatusState } from '#db/entities/workspace-app-status.entity.js';

export interface AgentMetadataRow {
  key: string;
  display_name: string;
  script: string;
  interval: number;
  timeout: number;
  value: string;
  error: string;
  collected_at: string;
}

export const toMetadataDescription = (m: AgentMetadataRow) => ({ display_name: m.display_name, key: m.key, script: m.script, interval: m.interval, timeout: m.timeout });

export interface ListeningPortRow {
  process_name: string;
  network: string;
  port: number;
}

/** Metadata results, script timings, listening ports and app statuses: what an agent reports besides logs and stats. */
@Injectable()
export class AgentReportsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async metadata(agentId: string): Promise<AgentMetadataRow[]> {
    return this.ds.query(
      `SELECT key, display_name, script, "interval"::int AS interval, timeout::int AS timeout, value, error, ${isoTimestamp('collected_at')} AS collected_at
       FROM workspace_agent_metadata WHERE workspace_agent_id = $1 ORDER BY display_order, key`,
      [agentId],
    );
  }

  /**
   * Stores results for keys the template declared (others are ignored, as in Coder) and, when any
   * was stored, announces the agent on `channel` from the same statement: no second round trip.
   */
  async setMetadata(agentId: string, results: Array<{ key: string; value: string; error: string; collectedAt: Date }>, channel: string): Promise<void> {
    await this.ds.query(
      `WITH stored AS (
         UPDATE workspace_agent_metadata m SET value = t.value, error = t.error, collected_at = t.collected_at
         FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS t(key, value, error, collected_at)
         WHERE m.workspace_agent_id = $1 AND m.key = t.key RETURNING m.key
       )
       SELECT pg_notify($6, $1::text) WHERE EXISTS (SELECT 1 FROM stored)`,
      [agentId, results.map((r) => r.key), results.map((r) => r.value), results.map((r) => r.error), results.map((r) => r.collectedAt), channel],
    );
  }

  /** Records one run of one of the agent's scripts; false when the script is not the agent's. A repeated report changes nothing. */
  async insertScriptTiming(agentId: string, t: { scriptId: string; start: Date; end: Date; exitCode: number; stage: ScriptTimingStage; status: ScriptTimingStatus }): Promise<boolean> {
    const rows = await this.ds.query(
      `WITH script AS (SELECT id FROM workspace_agent_scripts WHERE id = $2 AND workspace_agent_id = $1),
       ins AS (
         INSERT INTO workspace_agent_script_timings (script_id, started_at, ended_at, exit_code, stage, status)
         SELECT id, $3, $4, $5, $6, $7 FROM script ON CONFLICT (script_id, started_at) DO NOTHING
       )
       SELECT 1 FROM script`,
      [agentId, t.scriptId, t.start, t.end, t.exitCode, t.stage, t.status],
    );
    return rows.length > 0;
  }

  async setListeningPorts(agentId: string, ports: ListeningPortRow[]): Promise<void> {
    await this.ds.query(`UPDATE workspace_agents SET listening_ports = $2 WHERE id = $1`, [agentId, JSON.stringify(ports)]);
  }

  async listeningPorts(agentId: string): Promise<ListeningPortRow[]> {
    const [row]: Array<{ listening_ports: ListeningPortRow[] }> = await this.ds.query(`SELECT listening_ports FROM workspace_agents WHERE id = $1`, [agentId]);
    return row?.listening_ports ?? [];
  }

  async insertAppStatus(s: { id: string; agentId: string; appId: string; workspaceId: string; state: AppStatusState; message: string; uri: string | null }): Promise<void> {
    await this.ds.query(
      `INSERT INTO workspace_app_statuses (id, agent_id, app_id, workspace_id, state, message, uri) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [s.id, s.agentId, s.appId, s.workspaceId, s.state, s.message, s.uri],
    );
  }
}
