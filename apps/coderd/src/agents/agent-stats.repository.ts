import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** One stats report, resolved to its agent's workspace (what Coder's workspace_agent_stats rows hold). */
export interface AgentStatRow {
  id: string;
  created_at: Date;
  user_id: string;
  agent_id: string;
  workspace_id: string;
  template_id: string;
  connections_by_proto: Record<string, number>;
  connection_count: number;
  rx_packets: number;
  rx_bytes: number;
  tx_packets: number;
  tx_bytes: number;
  connection_median_latency_ms: number;
  session_count_vscode: number;
  session_count_jetbrains: number;
  session_count_reconnecting_pty: number;
  session_count_ssh: number;
}

@Injectable()
export class AgentStatsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * Writes a batch of reports in one statement, and counts the workspaces that had sessions as used:
   * last_used_at moves to now, and a running workspace's deadline is bumped by its template's
   * activity bump (Coder's ActivityBumpWorkspace: only when less than 95% of the bump is left, never
   * past max_deadline).
   */
  async insertBatch(rows: AgentStatRow[], usedWorkspaceIds: string[]): Promise<void> {
    const col = <K extends keyof AgentStatRow>(k: K) => rows.map((r) => r[k]);
    await this.ds.query(
      `WITH stats AS (
         INSERT INTO workspace_agent_stats (id, created_at, user_id, agent_id, workspace_id, template_id, connections_by_proto, connection_count,
           rx_packets, rx_bytes, tx_packets, tx_bytes, connection_median_latency_ms, session_count_vscode, session_count_jetbrains,
           session_count_reconnecting_pty, session_count_ssh)
         SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::jsonb[], $8::bigint[],
           $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::float8[], $14::bigint[], $15::bigint[], $16::bigint[], $17::bigint[])
         RETURNING 1
       ), used AS (
         UPDATE workspaces SET last_used_at = now() WHERE id = ANY($18::uuid[]) AND NOT deleted RETURNING id, template_id
       )
       UPDATE workspace_builds b SET deadline = CASE WHEN b.max_deadline = '0001-01-01 00:00:00+00' THEN now() + ${BUMP}
           ELSE LEAST(now() + ${BUMP}, b.max_deadline) END, updated_at = now()
       FROM used JOIN templates t ON t.id = used.template_id, provisioner_jobs j
       WHERE b.workspace_id = used.id AND j.id = b.job_id
         AND b.build_number = (SELECT max(build_number) FROM workspace_builds WHERE workspace_id = used.id)
         AND b.transition = 'start' AND j.job_status = 'succeeded' AND t.activity_bump > 0
         AND b.deadline <> '0001-01-01 00:00:00+00' AND b.deadline - ${BUMP} * 0.95 < now()`,
      [
        col('id'), col('created_at'), col('user_id'), col('agent_id'), col('workspace_id'), col('template_id'),
        rows.map((r) => JSON.stringify(r.connections_by_proto)), col('connection_count'), col('rx_packets'), col('rx_bytes'), col('tx_packets'),
        col('tx_bytes'), col('connection_median_latency_ms'), col('session_count_vscode'), col('session_count_jetbrains'),
        col('session_count_reconnecting_pty'), col('session_count_ssh'), usedWorkspaceIds,
      ],
    );
  }
}

/** The template's activity bump (nanoseconds) as an interval. */
const BUMP = `make_interval(secs => t.activity_bump / 1e9)`;
